/*
 * topvia.c  The first Via header field of a message found by scanning its
 * header lines, without a parse: for the paths that need only the top Via
 * of a message whose full parse happens elsewhere or not at all.
 */
#include <string.h>
#include <strings.h>

#include "tz/tz_msg.h"

bool tz_msg_top_via(const char *buf, size_t len, struct tz_span *val)
{
	uint32_t p = 0, n = len > UINT32_MAX ? UINT32_MAX : (uint32_t)len;

	for (unsigned lines = 0; lines < 16; lines++) {
		/* CR then LF: memchr is vectorised, memmem is not */
		const char *cr = memchr(buf + p, '\r', n - p);
		uint32_t eol, k, v;

		if (!cr || (uint32_t)(cr - buf) + 1 >= n || cr[1] != '\n')
			return false; /* a bare CR: the parser's job */
		eol = (uint32_t)(cr - buf);
		if (eol + 2 < n &&
		    (buf[eol + 2] == ' ' || buf[eol + 2] == '\t'))
			return false; /* folded: the parser's job */
		if (lines > 0) {
			if (eol == p)
				return false; /* end of the headers */
			for (k = p; k < eol && buf[k] != ':' && buf[k] != ' ' &&
			            buf[k] != '\t';
			     k++)
				;
			/* RFC3261 7.3.3: "v" is Via's compact form */
			if ((k - p == 3 && !strncasecmp(buf + p, "Via", 3)) ||
			    (k - p == 1 && (buf[p] == 'v' || buf[p] == 'V'))) {
				while (k < eol &&
				       (buf[k] == ' ' || buf[k] == '\t'))
					k++;
				if (k == eol || buf[k] != ':')
					return false;
				for (v = k + 1; v < eol && (buf[v] == ' ' ||
				                            buf[v] == '\t');
				     v++)
					;
				while (eol > v && (buf[eol - 1] == ' ' ||
				                   buf[eol - 1] == '\t'))
					eol--;
				*val = (struct tz_span){v, eol - v};
				return true;
			}
		}
		p = eol + 2;
	}
	return false;
}
