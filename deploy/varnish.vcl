vcl 4.1;

# Varnish 7.1 in front of newsdesk:  reader -> Pushpin -> Varnish -> newsdesk.
#
# This file is a template. deploy/run-edge.sh renders it into its run
# directory, replacing @ORIGIN_HOST@ and @ORIGIN_PORT@ with the origin's
# address (plain text substitution: VCL has no variables for a backend).
# Run it with `-p http_gzip_support=off` (run-edge.sh does): Varnish then
# never rewrites Accept-Encoding nor compresses anything itself, and the
# origin's own br/gzip variants are stored as they come (see vcl_recv).
#
# What Varnish 7.1 does by itself, and this file relies on:
#   - TTL from the origin's Cache-Control: s-maxage first, then max-age
#     (then Expires); grace from stale-while-revalidate (default_grace, 10 s,
#     when absent); keep from default_keep (0).
#   - Responses with Cache-Control no-cache, no-store or private, with
#     Set-Cookie, or with a TTL of 0 are never stored (the built-in VCL
#     makes them hit-for-miss). Statuses other than 200, 203, 300, 301, 302,
#     304, 307, 404, 410 and 414 get no TTL and are never stored either.
#   - Vary: Accept-Encoding keeps one object per (normalised) value.
#   - A stale object in grace is delivered at once while one background
#     fetch refreshes it; if that fetch fails outright the stale copy stays.
#
# Pushpin in front asks for every coding and decodes what it gets (its
# HTTP client, zurl, has curl decode every response), so readers through
# Pushpin get identity bodies; the br and gzip variants stored here reach
# readers who come to Varnish (or a CDN) directly.

import std;
import xkey;

backend newsdesk {
    .host = "@ORIGIN_HOST@";
    .port = "@ORIGIN_PORT@";
    .connect_timeout = 2s;
    .first_byte_timeout = 30s;
    # A live stream newsdesk serves itself (no GRIP) sends a heartbeat every 15 s.
    .between_bytes_timeout = 60s;
    .probe = {
        .request =
            "GET /healthz HTTP/1.1"
            "Host: newsdesk"
            "User-Agent: varnish-probe"
            "Connection: close";
        .interval = 1s;
        .timeout = 1s;
        # Healthy from the start (.initial = .threshold), so an edge started
        # just before its origin tries it at once; sick after four failed
        # probes in a row, healthy again after two good ones: a restarted
        # origin is back within about two seconds.
        .window = 5;
        .threshold = 2;
        .initial = 2;
    }
}

# Who may PURGE: newsdesk, on this machine. Requests that came through
# Pushpin also come from 127.0.0.1, so vcl_recv refuses those separately.
acl purgers {
    "127.0.0.1";
    "::1";
}

sub vcl_recv {
    if (req.restarts == 0) {
        # Internal marker (see vcl_hit): never believed from a client.
        unset req.http.X-Edge-Fresh-Only;
    }
    if (req.http.X-Edge-Fresh-Only) {
        set req.grace = 0s;
        unset req.http.X-Edge-Fresh-Only;
    }

    if (req.method == "PURGE") {
        # Pushpin signs what it proxies (Grip-Sig) and names the reader in
        # X-Forwarded-For, to which Varnish appends Pushpin's address: a PURGE
        # from newsdesk itself has neither the signature nor a comma.
        if (client.ip !~ purgers || req.http.Grip-Sig || req.http.X-Forwarded-For ~ ",") {
            return (synth(403, "Forbidden"));
        }
        if (!req.http.xkey) {
            return (synth(400, "PURGE needs an xkey header"));
        }
        # Hard purge: the next reader gets the new content, never the old.
        set req.http.X-Edge-Purged = xkey.purge(req.http.xkey);
        return (synth(200, "Purged " + req.http.X-Edge-Purged));
    }

    # One value per coding the origin makes, so that Vary keeps at most
    # three variants: br for every client that accepts it (whatever else it
    # accepts), else gzip, else none. The origin answers "br" with its
    # brotli variant and "gzip" with its gzip one, each with its own ETag.
    # Varnish's own gzip handling, which would rewrite this header to gzip
    # and store only gzip, is off (http_gzip_support=off, see the top).
    if (req.http.Accept-Encoding) {
        if (req.http.Accept-Encoding ~ "(?i)\bbr\b(?!\s*;\s*q\s*=\s*0(\.0*)?\s*(,|$))") {
            set req.http.Accept-Encoding = "br";
        } elsif (req.http.Accept-Encoding ~ "(?i)\bgzip\b(?!\s*;\s*q\s*=\s*0(\.0*)?\s*(,|$))") {
            set req.http.Accept-Encoding = "gzip";
        } else {
            unset req.http.Accept-Encoding;
        }
    }

    # The desk: never cached, cookies (session, CSRF) go through.
    if (req.url ~ "^/admin(/|\?|$)") {
        return (pass);
    }

    # Live streams (SSE): never cached, streamed through. Grip-Sig goes to
    # the origin and Grip-* response headers come back untouched, for Pushpin.
    if (req.url ~ "^/(news|places)/[^/?]+/events(\?|$)") {
        return (pass);
    }

    # Readers' pages do not depend on cookies: drop them so pages are shared.
    unset req.http.Cookie;
    # Falls through to the built-in vcl_recv: GET and HEAD are looked up,
    # other methods passed, Authorization passed.
}

sub vcl_hash {
    # One site: newsdesk renders the same page whatever Host it is asked by
    # (absolute links come from its --site-url), so the URL alone is the key
    # and a page is cached once, whether readers come through Pushpin (which
    # forwards their Host) or ask Varnish directly.
    hash_data(req.url);
    return (lookup);
}

sub vcl_hit {
    # An object past its stale-while-revalidate but within its
    # stale-if-error (see vcl_backend_response) is only for when the origin
    # is down: while it is up, fetch anew and make the reader wait for it.
    if (obj.ttl <= 0s && obj.http.X-Edge-Swr
        && obj.ttl + std.duration(obj.http.X-Edge-Swr + "s", 0s) <= 0s
        && std.healthy(req.backend_hint)) {
        set req.http.X-Edge-Fresh-Only = "1";
        return (restart);
    }
}

sub vcl_backend_response {
    # Store what the origin sends, compressed or not, as it sends it.
    set beresp.do_gzip = false;
    set beresp.do_gunzip = false;

    if (bereq.uncacheable) {
        # A pass (the desk, live streams, non-GET): straight through, streamed.
        return (deliver);
    }

    if (beresp.status >= 500) {
        if (bereq.is_bgfetch) {
            # Refreshing a stale object failed: keep serving the stale one.
            return (abandon);
        }
        # Deliver the error to this reader, store nothing (not even a
        # hit-for-miss marker, which would hide a stale object from readers).
        set beresp.ttl = 0s;
        set beresp.grace = 0s;
        set beresp.uncacheable = true;
        return (deliver);
    }

    # A cookie being set is for one reader only. Private and no-store are
    # never stored, whatever Surrogate-Control says.
    if (beresp.http.Set-Cookie || beresp.http.Cache-Control ~ "(?i)\b(private|no-store)\b") {
        set beresp.ttl = 120s;
        set beresp.uncacheable = true;
        return (deliver);
    }

    # stale-if-error=N: keep serving the stale object for N seconds while the
    # origin is sick. Varnish 7.1 ignores this directive, so grace is widened
    # to it here and vcl_hit refuses the extra grace while the origin is up.
    if (beresp.ttl > 0s && beresp.http.Cache-Control ~ "(?i)\bstale-if-error\s*=\s*\d+") {
        set beresp.http.X-Edge-Sie = regsub(beresp.http.Cache-Control,
            "(?i)^.*\bstale-if-error\s*=\s*(\d+).*$", "\1");
        if (std.duration(beresp.http.X-Edge-Sie + "s", 0s) > beresp.grace) {
            set beresp.http.X-Edge-Swr = std.integer(real = std.real(duration = beresp.grace));
            set beresp.grace = std.duration(beresp.http.X-Edge-Sie + "s", 0s);
        }
        unset beresp.http.X-Edge-Sie;
    }
    # Falls through to the built-in vcl_backend_response.
}

sub vcl_deliver {
    if (obj.uncacheable) {
        set resp.http.X-Cache = "PASS";
    } elsif (obj.hits > 0) {
        set resp.http.X-Cache = "HIT";
    } else {
        set resp.http.X-Cache = "MISS";
    }
    # Surrogate keys are for this cache, not for readers.
    unset resp.http.xkey;
    unset resp.http.Surrogate-Key;
    unset resp.http.X-Edge-Swr;
}

sub vcl_synth {
    if (req.method == "PURGE") {
        set resp.http.Content-Type = "text/plain; charset=utf-8";
        set resp.body = resp.reason + {"
"};
        return (deliver);
    }
}
