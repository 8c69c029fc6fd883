/*
 * rec_decor.h -- what kubectl and its kin put in front of a ztunnel line
 * (rec_decor.c).
 *
 * Internal to parse/: the dispatcher strips these before it hands the
 * rest to a layout.
 */
#ifndef ZT_REC_DECOR_H
#define ZT_REC_DECOR_H

#include "parse/rec.h"

/*
 * Strip the decorations at p..end, in kubectl's order:
 *   1. "[pod/NAME/CONTAINER] "            kubectl --prefix      -> pod
 *      or "NAME [CONTAINER] " / "[NAME] " stern-like tools      -> pod
 *   2. "YYYY-MM-DDTHH:MM:SS.nnnnnnnnnZ "   kubectl --timestamps  -> kube_*
 * Sets rec->pod (a view into the line) and the kubelet time fields when
 * found, rec->bad_decor when a decoration is there but cannot be read (the
 * layout decides whether that makes the line malformed).  Returns where
 * the ztunnel part starts (p when there is nothing to strip).
 */
const char *zt_rec_decor(const char *p, const char *end, struct zt_rec *rec);

#endif
