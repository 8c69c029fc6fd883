/*
 * t_crew.c -- util/crew.h: jobs run at the same time on threads of their
 * own, and the threads are kept: a second batch runs on the first's.
 */
#include <errno.h>
#include <pthread.h>
#include <time.h>

#include "util/crew.h"
#include "tt.h"

#define NJOB	3

static pthread_mutex_t	 mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t	 cv = PTHREAD_COND_INITIALIZER;
static int		 arrived;	/* jobs at the meeting point */
static int		 met;		/* jobs that saw all the others */

/* Jobs run on this thread so far: 2 in the second round if it is kept. */
static _Thread_local int here;

struct job {
	int		 round;
	int		 here;		/* here, as this job found it */
};

/*
 * Each job waits (at most 10 s) for all NJOB of its round to arrive:
 * only jobs that run at the same time can all meet.
 */
static void *
meet(void *arg)
{
	struct job	*j = arg;
	struct timespec	 until;
	int		 want = (j->round + 1) * NJOB;
	int		 rc = 0;

	j->here = ++here;
	clock_gettime(CLOCK_REALTIME, &until);
	until.tv_sec += 10;
	pthread_mutex_lock(&mu);
	arrived++;
	pthread_cond_broadcast(&cv);
	while (arrived < want && rc != ETIMEDOUT)
		rc = pthread_cond_timedwait(&cv, &mu, &until);
	if (arrived >= want)
		met++;
	pthread_mutex_unlock(&mu);
	return NULL;
}

/* t_crew-1.1 */
static void
crew_runs_jobs_at_once_and_keeps_its_threads(void)
{
	struct zt_crew	*c = zt_crew_new();
	struct job	 a[NJOB], b[NJOB];
	int		 ja[NJOB], jb[NJOB];
	int		 i;

	for (i = 0; i < NJOB; i++) {
		a[i].round = 0;
		TT_CHECK((ja[i] = zt_crew_run(c, meet, &a[i])) >= 0);
	}
	for (i = 0; i < NJOB; i++)
		if (ja[i] >= 0)
			zt_crew_wait(c, ja[i]);
	TT_EQ_INT(met, NJOB);
	/* The second round: on the same threads, again all at once. */
	for (i = 0; i < NJOB; i++) {
		b[i].round = 1;
		TT_CHECK((jb[i] = zt_crew_run(c, meet, &b[i])) >= 0);
	}
	for (i = 0; i < NJOB; i++)
		if (jb[i] >= 0)
			zt_crew_wait(c, jb[i]);
	TT_EQ_INT(met, 2 * NJOB);
	for (i = 0; i < NJOB; i++) {
		TT_EQ_INT(a[i].here, 1);
		TT_EQ_INT(b[i].here, 2);
	}
	zt_crew_fini(c);
	zt_crew_fini(NULL);
}

int
main(void)
{
	crew_runs_jobs_at_once_and_keeps_its_threads();
	return tt_finish("t_crew");
}
