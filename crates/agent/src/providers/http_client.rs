//! The HTTP client the providers build, one per provider.

use std::time::Duration;

use reqwest::redirect::Policy;
use telltale_protocol::ErrorCode;

use crate::provider::ProviderError;

/// Redirects followed at most (reqwest's default).
const MAX_REDIRECTS: usize = 10;

/// A client for requests to `base`. For a plain-http base URL (a server on this machine or the
/// local network) it has no root certificates: loading the system's reads every file in
/// /etc/ssl/certs, which took longer than all the rest of `telltale run`'s start, and plain http
/// never needs them. A redirect from such a URL to https is refused with a clear error rather
/// than failing certificate checks.
///
/// Redirects to another origin are refused: reqwest drops `Authorization` on them but would send
/// a key in any other header (Anthropic's `x-api-key`) to wherever the server points.
pub(crate) fn client_for(base: &reqwest::Url) -> Result<reqwest::Client, ProviderError> {
    let builder = reqwest::Client::builder().connect_timeout(Duration::from_secs(15));
    let plain_http = base.scheme() == "http";
    let builder = if plain_http { builder.tls_certs_only([]) } else { builder };
    let policy = Policy::custom(move |attempt| {
        let to = attempt.url().clone();
        let from = attempt.previous().first().map(reqwest::Url::origin);
        if plain_http && to.scheme() == "https" {
            let to = crate::urls::without_userinfo(to.as_str());
            attempt.error(format!("redirected to {to}: use that https URL as the base URL"))
        } else if from.is_some_and(|from| from != to.origin()) {
            let host = to.host_str().unwrap_or_default().to_owned();
            attempt.error(format!(
                "the server redirected to another host ({host}); Telltale does not send your key \
                 there: if you trust it, use its URL as the base URL"
            ))
        } else if attempt.previous().len() >= MAX_REDIRECTS {
            attempt.error("too many redirects")
        } else {
            attempt.follow()
        }
    });
    builder.redirect(policy).build().map_err(|e| {
        ProviderError::new(
            ErrorCode::Internal,
            format!("Cannot set up the HTTP client: {e}"),
            false,
        )
    })
}
