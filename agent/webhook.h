/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The webhook sink: every finding a [webhook NAME] section accepts (min_severity, rules) is POSTed
 * to its URL, as the finding JSON (format=json) or as one Falco-compatible event that falcosidekick
 * accepts (format=falcosidekick). Transfers are libcurl "multi" transfers driven by the agent's
 * sd-event loop, so the pipeline, the journal and the other webhooks never wait on an endpoint.
 *
 * Per webhook: one request in flight at a time (delivery in order); a bounded queue (queue_size
 * detections and queue_bytes bytes, the one in flight included; when full the oldest waiting ones
 * are dropped and counted);
 * connection errors, timeouts, HTTP 5xx and 429 are retried forever with exponential backoff and
 * jitter (0.5 s doubling to 30 s), while other HTTP statuses are not retried and count as failed.
 * The journal gets one warning (MESSAGE_ID TRACEE_MESSAGE_WEBHOOK) when a webhook starts failing and
 * one message when it recovers, not one per retry.
 */
#pragma once

#include <systemd/sd-event.h>

#include "config.h"
#include "engine.h"
#include "jsonw.h"

/* A payload above this is not sent: it is counted as failed, with the reason in lastError. */
#define WEBHOOK_PAYLOAD_MAX (256u * 1024u)

typedef struct Webhooks Webhooks;

/* Sets up every webhook of c (none is fine). libcurl is loaded (dlopen) when the first webhook is set
 * up, here or by webhooks_reconfigure(), never without one. Fails with a logged error if libcurl
 * cannot be loaded or set up or a webhook has no url. */
int webhooks_new(sd_event *e, const Config *c, Webhooks **ret);
Webhooks *webhooks_free(Webhooks *w);

/*
 * Replaces the set with c's webhooks. A webhook whose section is unchanged (same name, same
 * settings) keeps its queue, its request in flight and its counters; a changed or new one starts
 * empty with zero counters, and a removed one is dropped with what it still had queued (logged).
 * On failure the previous set is kept.
 */
int webhooks_reconfigure(Webhooks *w, const Config *c);

/* Queues f for every webhook that accepts it. Never blocks. finding_json is f as finding_write_json()
 * wrote it. */
void webhooks_submit(Webhooks *w, const Finding *f, const char *finding_json);

/* A JSON array, one object per webhook: name, url (without credentials), format, sent, retried,
 * failed, dropped, queued, queuedBytes, maxQueuedBytes, lastError, lastErrorAt (RFC 3339 or ""), state
 * ("ok" or "failing"). Not full (a caller other than root): url is scheme://host[:port] only (paths
 * and queries carry tokens) and lastError, which may quote the URL, is "(root only)" when set. */
void webhooks_describe_json(Webhooks *w, JsonW *j, bool full);
