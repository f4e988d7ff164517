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
pub(crate) fn client_for(base: &reqwest::Url) -> Result<reqwest::Client, ProviderError> {
    let builder = reqwest::Client::builder().connect_timeout(Duration::from_secs(15));
    let builder = if base.scheme() == "http" {
        builder.tls_certs_only([]).redirect(Policy::custom(|attempt| {
            if attempt.url().scheme() == "https" {
                let to = attempt.url().to_string();
                attempt.error(format!("redirected to {to}: use that https URL as the base URL"))
            } else if attempt.previous().len() >= MAX_REDIRECTS {
                attempt.error("too many redirects")
            } else {
                attempt.follow()
            }
        }))
    } else {
        builder
    };
    builder.build().map_err(|e| {
        ProviderError::new(
            ErrorCode::Internal,
            format!("Cannot set up the HTTP client: {e}"),
            false,
        )
    })
}
