/*
 * t_afile.c -- atomic replacement of report files.
 *
 * Test plan: t_afile-1.* new file, replaced file (old until commit, mode
 * kept), abort; -2.* a symbolic link, devices, a directory, a missing
 * directory, a write error; no temporary is ever left behind.
 */
#include <dirent.h>
#include <stdlib.h>
#include <string.h>

#include <sys/stat.h>
#include <unistd.h>

#include "util/afile.h"
#include "tt.h"

static char	 dir[] = "/tmp/t_afile.XXXXXX";
static char	 path[512];

static const char *
at(const char *name)
{
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	return path;
}

static void
put(const char *name, const char *text)
{
	FILE	*f = fopen(at(name), "w");

	if (f != NULL) {
		fputs(text, f);
		fclose(f);
	}
}

/* The contents of dir/name ("" if missing). */
static const char *
get(const char *name)
{
	static char	 buf[256];
	FILE		*f = fopen(at(name), "r");
	size_t		 n = 0;

	if (f != NULL) {
		n = fread(buf, 1, sizeof(buf) - 1, f);
		fclose(f);
	}
	buf[n] = '\0';
	return buf;
}

static int
entries(void)
{
	DIR		*d = opendir(dir);
	struct dirent	*e;
	int		 n = 0;

	while (d != NULL && (e = readdir(d)) != NULL)
		if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0)
			n++;
	if (d != NULL)
		closedir(d);
	return n;
}

/* t_afile-1 */
static void
replace(void)
{
	struct zt_afile	 a;
	struct zt_err	 err;
	struct stat	 sb;
	char		 p[512];

	umask(022);
	snprintf(p, sizeof(p), "%s", at("new.json"));
	TT_EQ_INT(zt_afile_open(&a, p, &err), 0);
	fputs("{}\n", a.f);
	TT_EQ_INT(entries(), 1);		/* the temporary */
	TT_EQ_STR(get("new.json"), "");
	TT_EQ_INT(zt_afile_commit(&a, &err), 0);
	TT_EQ_STR(get("new.json"), "{}\n");
	TT_CHECK(stat(p, &sb) == 0 && (sb.st_mode & 0777) == 0644);
	TT_EQ_INT(entries(), 1);

	chmod(p, 0600);
	TT_EQ_INT(zt_afile_open(&a, p, &err), 0);
	fputs("new", a.f);
	fflush(a.f);
	TT_EQ_STR(get("new.json"), "{}\n");	/* old until the commit */
	TT_EQ_INT(zt_afile_commit(&a, &err), 0);
	TT_EQ_STR(get("new.json"), "new");
	TT_CHECK(stat(p, &sb) == 0 && (sb.st_mode & 0777) == 0600);

	TT_EQ_INT(zt_afile_open(&a, p, &err), 0);
	fputs("dropped", a.f);
	zt_afile_abort(&a);
	TT_EQ_STR(get("new.json"), "new");
	TT_EQ_INT(entries(), 1);
	unlink(p);
}

/* t_afile-2 */
static void
special(void)
{
	struct zt_afile	 a;
	struct zt_err	 err;
	struct stat	 sb;
	char		 link[512];
	char		 p[512];

	put("real.xml", "old");
	snprintf(link, sizeof(link), "%s", at("link.xml"));
	TT_EQ_INT(symlink("real.xml", link), 0);
	TT_EQ_INT(zt_afile_open(&a, link, &err), 0);
	fputs("through", a.f);
	TT_EQ_INT(zt_afile_commit(&a, &err), 0);
	TT_CHECK(lstat(link, &sb) == 0 && S_ISLNK(sb.st_mode));
	TT_EQ_STR(get("real.xml"), "through");
	TT_EQ_INT(entries(), 2);
	unlink(link);
	unlink(at("real.xml"));

	TT_EQ_INT(zt_afile_open(&a, "/dev/null", &err), 0);
	TT_CHECK(a.tmp == NULL);
	fputs("nothing", a.f);
	TT_EQ_INT(zt_afile_commit(&a, &err), 0);
	TT_CHECK(stat("/dev/null", &sb) == 0 && S_ISCHR(sb.st_mode));

	TT_EQ_INT(zt_afile_open(&a, dir, &err), -1);
	TT_EQ_STR(err.msg, "cannot write: it is a directory");
	TT_CHECK(err.file == dir);

	snprintf(p, sizeof(p), "%s", at("no/such/dir.json"));
	TT_EQ_INT(zt_afile_open(&a, p, &err), -1);
	TT_EQ_STR(err.msg, "cannot write: No such file or directory");
	TT_EQ_INT(entries(), 0);

	if (access("/dev/full", W_OK) == 0) {
		TT_EQ_INT(zt_afile_open(&a, "/dev/full", &err), 0);
		fputs("x", a.f);
		TT_EQ_INT(zt_afile_commit(&a, &err), -1);
		TT_EQ_STR(err.msg, "write error: No space left on device");
		TT_EQ_STR(err.file, "/dev/full");
	}
}

int
main(void)
{
	if (mkdtemp(dir) == NULL)
		return 1;
	replace();
	special();
	rmdir(dir);
	return tt_finish("t_afile");
}
