/*
 * crew.h -- threads kept for jobs that come one batch after another: a
 * source's pipeline starts a reader, an interner and parse threads, and
 * the next source the same again.  Creating and joining five threads a
 * source cost a run of 1,000 small files some 0.15 s of its storing
 * thread's time; a crew's threads wait between jobs instead.
 *
 * A job is fn(arg) on one of the crew's threads (a new one when all are
 * busy); zt_crew_wait() returns once it has returned.  The crew is driven
 * from one thread.  Ownership: zt_crew_fini() ends and joins every thread
 * and frees the crew; a crew with no jobs running may be freed at any
 * time.
 */
#ifndef ZT_CREW_H
#define ZT_CREW_H

struct zt_crew;

/* An empty crew: threads are started as jobs need them. */
struct zt_crew	*zt_crew_new(void);
/*
 * Run fn(arg) on a thread of the crew.  Returns a job number for
 * zt_crew_wait(), or -1 when no thread could be started.
 */
int	zt_crew_run(struct zt_crew *c, void *(*fn)(void *), void *arg);
/* Wait for job j to return; its thread is free again. */
void	zt_crew_wait(struct zt_crew *c, int j);
/*
 * Tests only: after the next `after` calls of zt_crew_run, n calls fail,
 * as if no thread could start.
 */
void	zt_crew_test_fail(int after, int n);
/* End the threads (none may be running a job) and free c (NULL: none). */
void	zt_crew_fini(struct zt_crew *c);

#endif
