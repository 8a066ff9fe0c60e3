/**
 * @file tz_dlg.h  Dialogs (L4, RFC 3261 12): the dialog id (Call-ID, local
 * and remote tag), the route set, the remote target, the local and remote
 * CSeq, and the early / confirmed state.
 *
 * A dialog is built from the request that created it and, at the UAC, the
 * response (a 2xx or a 1xx with a To tag: RFC 3261 12.1); it then matches
 * in-dialog requests and responses, checks the CSeq order of requests it
 * receives (12.2.2), follows target refreshes (12.2.1.2, 12.2.2) and fills
 * the dialog fields of the requests it sends (12.2.1.1: the Request-URI and
 * Route header from the route set, loose or strict).
 *
 * Everything is copied into the dialog (one allocation, fixed-size fields):
 * a dialog borrows no message. Reference counted (tz_mem.h); not
 * thread-safe.
 */
#ifndef TZ_DLG_H
#define TZ_DLG_H

#include <stdbool.h>
#include <stdint.h>

#include "tz_build.h"
#include "tz_msg.h"

/** Bytes of a URI or name-addr kept by a dialog (NUL included). */
#define TZ_DLG_STR 512
/** Bytes of a tag or a Call-ID (NUL included). */
#define TZ_DLG_ID 256
/** Route set entries a dialog keeps; a longer one is -EOVERFLOW. */
#define TZ_DLG_ROUTES 8

/** A dialog. Read its fields; change them through the functions below. */
struct tz_dlg {
	char call_id[TZ_DLG_ID];
	char local_tag[TZ_DLG_ID];
	char remote_tag[TZ_DLG_ID];     /**< empty until the peer named one */
	char local_uri[TZ_DLG_STR];     /**< name-addr of our From/To, no tag */
	char remote_uri[TZ_DLG_STR];    /**< name-addr of the peer, no tag */
	char remote_target[TZ_DLG_STR]; /**< the peer's Contact URI */
	/** Route set as name-addrs ("<sip:p.example.com;lr>"), in the
	 *  order requests carry them (RFC 3261 12.1.1, 12.1.2). */
	char route[TZ_DLG_ROUTES][TZ_DLG_STR];
	unsigned nroute;
	uint32_t local_cseq;  /**< CSeq of the last request we sent */
	uint32_t remote_cseq; /**< of the last request received; has_remote */
	bool has_remote_cseq;
	bool uac;   /**< we sent the request that created it */
	bool early; /**< created by a provisional; no 2xx yet (12.1) */
	/* scratch for tz_dlg_request(): what struct tz_req_build borrows */
	const char *routev_[TZ_DLG_ROUTES + 1];
	char ruri_[TZ_DLG_STR];
	char target_route_[TZ_DLG_STR + 2];
};

/**
 * The UAC side (RFC 3261 12.1.2): a dialog from the request we sent
 * (@p req, parsed; e.g. tz_tsx_request()) and a 2xx or 101-199 response
 * to it with a To tag (@p resp). Both borrowed for the call.
 * @return 0 with *dp a new reference; -EINVAL for a response without a
 *         To tag or outside 101-299; -EBADMSG for a malformed Contact or
 *         Record-Route; -EOVERFLOW for a field over the sizes above;
 *         -ENOMEM.
 */
int tz_dlg_uac_alloc(struct tz_dlg **dp, const struct tz_msg *req,
                     const struct tz_msg *resp);

/**
 * The UAS side (RFC 3261 12.1.1): a dialog from a received request
 * (@p req, borrowed) with our To tag @p local_tag (borrowed C string).
 * @p early: created for a provisional response (confirm later).
 * @return 0 with *dp a new reference; -EBADMSG for a request without a
 *         From tag (RFC 2543 peers are not supported), or a malformed
 *         Contact or Record-Route; -EOVERFLOW; -ENOMEM.
 */
int tz_dlg_uas_alloc(struct tz_dlg **dp, const struct tz_msg *req,
                     const char *local_tag, bool early);

/**
 * Confirm an early dialog with the 2xx @p resp (borrowed) at the UAC:
 * the route set and the remote target are computed again from it (RFC
 * 3261 13.2.2.4). At the UAS pass NULL (the route set stays).
 * @return 0; -EBADMSG; -EOVERFLOW (the dialog is then unchanged).
 */
int tz_dlg_confirm(struct tz_dlg *d, const struct tz_msg *resp);

/**
 * True when @p m (borrowed) belongs to @p d: Call-ID, and for a request
 * To tag = local tag and From tag = remote tag; for a response From tag =
 * local tag and To tag = remote tag (RFC 3261 12.2.2, 12.2.1.2).
 */
bool tz_dlg_match(const struct tz_dlg *d, const struct tz_msg *m);

/**
 * The CSeq rule for a request @p req (borrowed) received in @p d (RFC
 * 3261 12.2.2): lower than the remote CSeq is out of order (answer 500);
 * otherwise the remote CSeq becomes the request's. ACK and CANCEL carry
 * the CSeq of their INVITE and are not checked.
 * @return 0; -EPROTO when out of order (nothing changed).
 */
int tz_dlg_recv_cseq(struct tz_dlg *d, const struct tz_msg *req);

/**
 * A target refresh (RFC 3261 12.2.1.2, 12.2.2): a re-INVITE or UPDATE
 * received, or a 2xx to one we sent: the remote target becomes the first
 * Contact of @p m (borrowed); a message without Contact changes nothing.
 * @return 0; -EBADMSG for a malformed Contact; -EOVERFLOW (unchanged).
 */
int tz_dlg_refresh(struct tz_dlg *d, const struct tz_msg *m);

/**
 * Fill the dialog fields of a request to send in @p d (RFC 3261
 * 12.2.1.1): method, Request-URI and Route (loose routing: the remote
 * target and the route set; a strict first route: that URI as the
 * Request-URI, the rest of the set then the remote target as Route),
 * From, To with tags, Call-ID and CSeq: the local CSeq plus one, except
 * for ACK and CANCEL, which keep the INVITE's (13.2.2.4, 9.1). @p rb's
 * other fields are left alone. The strings filled point into @p d and
 * stay valid until the next call on @p d.
 * @return 0; -EOVERFLOW when the CSeq would reach 2**31 (8.1.1.5).
 */
int tz_dlg_request(struct tz_dlg *d, struct tz_req_build *rb,
                   const char *method);

/**
 * The URI the next hop of a request in @p d is found from (RFC 3261
 * 12.2.1.1, 8.1.2): the first route of the set, else the remote target,
 * copied NUL-terminated into @p out.
 * @return 0; -EOVERFLOW when @p cap is too small.
 */
int tz_dlg_next_hop(const struct tz_dlg *d, char *out, size_t cap);

#endif
