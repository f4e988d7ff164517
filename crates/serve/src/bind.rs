//! Where the server may listen, and the token it makes when none is given.

use std::net::SocketAddr;

use crate::error::ServeError;

/// Refuses to listen beyond this computer without a token the user chose: a generated token
/// is printed on a terminal, which is fine for a loopback address only.
pub fn check_bind(addr: SocketAddr, token_given: bool) -> Result<(), ServeError> {
    if addr.ip().is_loopback() || token_given {
        Ok(())
    } else {
        Err(ServeError::PublicWithoutToken(addr))
    }
}

/// A new random token: 256 bits from the operating system's generator (two version-4 UUIDs,
/// 244 random bits, as 64 hex digits).
pub fn new_token() -> String {
    format!("{}{}", uuid::Uuid::new_v4().simple(), uuid::Uuid::new_v4().simple())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn loopback_needs_no_token_but_any_other_address_does() {
        let at = |s: &str| s.parse::<SocketAddr>().unwrap();
        assert!(check_bind(at("127.0.0.1:8787"), false).is_ok());
        assert!(check_bind(at("[::1]:8787"), false).is_ok());
        assert!(matches!(
            check_bind(at("0.0.0.0:8787"), false),
            Err(ServeError::PublicWithoutToken(_))
        ));
        assert!(check_bind(at("0.0.0.0:8787"), true).is_ok());
    }

    #[test]
    fn tokens_are_long_and_differ() {
        let (a, b) = (new_token(), new_token());
        assert_eq!(a.len(), 64);
        assert_ne!(a, b);
    }
}
