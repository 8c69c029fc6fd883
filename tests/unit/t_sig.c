/*
 * t_sig.c -- SIGINT and SIGTERM as a request to stop reading (sig.h).
 *
 * Test plan: t_sig-1.1 before a signal, reads and waits work as usual;
 * t_sig-1.2 after one, a read on a quiet pipe (which would block) and a
 * wait report the end at once; a pipe with bytes left reads as ended too;
 * t_sig-1.3 a signal ignored when catching began stays ignored.
 */
#include <signal.h>
#include <string.h>

#include <unistd.h>

#include "util/sig.h"
#include "tt.h"

int
main(void)
{
	struct sigaction	 sa;
	char			 buf[8];
	int			 p[2];

	/* t_sig-1.3: SIGTERM ignored (nohup) stays so. */
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = SIG_IGN;
	sigaction(SIGTERM, &sa, NULL);
	zt_sig_catch();
	sigaction(SIGTERM, NULL, &sa);
	TT_CHECK(sa.sa_handler == SIG_IGN);
	sigaction(SIGINT, NULL, &sa);
	TT_CHECK(sa.sa_handler != SIG_IGN && sa.sa_handler != SIG_DFL);
	TT_CHECK((sa.sa_flags & SA_RESTART) == 0);

	/* t_sig-1.1 */
	TT_EQ_INT(pipe(p), 0);
	TT_EQ_INT(zt_sig_caught(), 0);
	TT_EQ_INT(zt_sig_wait(p[0], 0), 0);		/* quiet: timed out */
	TT_EQ_INT((int)write(p[1], "ab", 2), 2);
	TT_EQ_INT(zt_sig_wait(p[0], 0), 1);
	TT_EQ_INT((int)zt_sig_read(p[0], buf, 1), 1);

	/* t_sig-1.2: one SIGINT, noted; reads end, what was read is kept. */
	raise(SIGINT);
	TT_EQ_INT(zt_sig_caught(), SIGINT);
	TT_EQ_INT((int)zt_sig_read(p[0], buf, sizeof(buf)), 0);
	TT_EQ_INT(zt_sig_wait(p[0], -1), -1);
	TT_EQ_INT(zt_sig_wait(-1, -1), -1);
	close(p[0]);
	close(p[1]);
	return tt_finish("t_sig");
}
