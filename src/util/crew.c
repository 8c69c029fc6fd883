/*
 * crew.c -- see crew.h.
 *
 * Each member has its own condition variable, so handing a job to one
 * wakes that one only, and the driver waits on the member it waits for.
 */
#include <pthread.h>
#include <stdlib.h>
#include <time.h>

#include "util/crew.h"
#include "util/xalloc.h"

/* Two sources' pipelines: each a reader, an interner, 8 parse threads. */
#define CREW_MAX	24

enum { M_IDLE, M_BUSY, M_DONE };

struct member {
	pthread_t	 tid;
	pthread_cond_t	 cv;		/* the member: a job or the end */
	pthread_cond_t	 done;		/* the driver: the job returned */
	void		*(*fn)(void *);
	void		*arg;
	int		 state;
	int		 quit;
	struct zt_crew	*crew;
};

struct zt_crew {
	pthread_mutex_t	 mu;
	struct member	 m[CREW_MAX];
	int		 n;		/* members started */
};

static void *
member_main(void *p)
{
	struct member	*m = p;
	struct zt_crew	*c = m->crew;
	void		*(*fn)(void *);
	void		*arg;

	pthread_mutex_lock(&c->mu);
	for (;;) {
		while (m->fn == NULL && !m->quit)
			pthread_cond_wait(&m->cv, &c->mu);
		if (m->fn == NULL)
			break;
		fn = m->fn;
		arg = m->arg;
		pthread_mutex_unlock(&c->mu);
		(void)fn(arg);
		pthread_mutex_lock(&c->mu);
		m->fn = NULL;
		m->state = M_DONE;
		pthread_cond_signal(&m->done);
	}
	pthread_mutex_unlock(&c->mu);
	return NULL;
}

struct zt_crew *
zt_crew_new(void)
{
	struct zt_crew	*c = zt_xcalloc(1, sizeof(*c));

	pthread_mutex_init(&c->mu, NULL);
	return c;
}

/* Tests: after fail_after more calls of zt_crew_run, fail_next fail. */
static int	 fail_after;
static int	 fail_next;

void
zt_crew_test_fail(int after, int n)
{
	fail_after = after;
	fail_next = n;
}

int
zt_crew_run(struct zt_crew *c, void *(*fn)(void *), void *arg)
{
	struct member	*m;
	int		 j;

	if (fail_after > 0)
		fail_after--;
	else if (fail_next > 0) {
		/*
		 * As slowly as a real failure may come: the threads started
		 * before it run meanwhile.
		 */
		fail_next--;
		nanosleep(&(struct timespec){ 0, 20 * 1000 * 1000 }, NULL);
		return -1;
	}
	pthread_mutex_lock(&c->mu);
	for (j = 0; j < c->n && c->m[j].state != M_IDLE; j++)
		;
	if (j == c->n) {
		if (c->n == CREW_MAX) {
			pthread_mutex_unlock(&c->mu);
			return -1;
		}
		m = &c->m[j];
		m->crew = c;
		m->fn = NULL;
		m->quit = 0;
		pthread_cond_init(&m->cv, NULL);
		pthread_cond_init(&m->done, NULL);
		if (pthread_create(&m->tid, NULL, member_main, m) != 0) {
			pthread_cond_destroy(&m->cv);
			pthread_cond_destroy(&m->done);
			pthread_mutex_unlock(&c->mu);
			return -1;
		}
		c->n++;
	}
	m = &c->m[j];
	m->fn = fn;
	m->arg = arg;
	m->state = M_BUSY;
	pthread_cond_signal(&m->cv);
	pthread_mutex_unlock(&c->mu);
	return j;
}

void
zt_crew_wait(struct zt_crew *c, int j)
{
	struct member	*m = &c->m[j];

	pthread_mutex_lock(&c->mu);
	while (m->state == M_BUSY)
		pthread_cond_wait(&m->done, &c->mu);
	m->state = M_IDLE;
	pthread_mutex_unlock(&c->mu);
}

void
zt_crew_fini(struct zt_crew *c)
{
	int	 j;

	if (c == NULL)
		return;
	pthread_mutex_lock(&c->mu);
	for (j = 0; j < c->n; j++) {
		c->m[j].quit = 1;
		pthread_cond_signal(&c->m[j].cv);
	}
	pthread_mutex_unlock(&c->mu);
	for (j = 0; j < c->n; j++) {
		pthread_join(c->m[j].tid, NULL);
		pthread_cond_destroy(&c->m[j].cv);
		pthread_cond_destroy(&c->m[j].done);
	}
	pthread_mutex_destroy(&c->mu);
	free(c);
}
