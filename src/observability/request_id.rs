//! The request id: the caller's `X-Request-Id` when it is a plain token, else one made here.

use actix_web::http::header::HeaderValue;

/// Longest request id accepted from a caller.
pub const MAX_LEN: usize = 64;

/// The id of one HTTP request, on its response, its log lines and its errors.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RequestId(String);

/// Where a request's id came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Origin {
    /// The caller sent none.
    Made,
    /// The caller's was taken.
    Given,
    /// The caller's was not a plain token (too long, empty, other characters): a new one stands
    /// in, and the caller's never reaches a log.
    Replaced,
}

impl RequestId {
    /// A new id (UUID v7: time-ordered).
    pub fn new() -> Self {
        Self(uuid::Uuid::now_v7().to_string())
    }

    /// The caller's id if it is 1–64 characters of `[A-Za-z0-9._-]`, else a new one.
    pub fn from_header(value: Option<&HeaderValue>) -> (Self, Origin) {
        let Some(value) = value else {
            return (Self::new(), Origin::Made);
        };
        let bytes = value.as_bytes();
        let plain = (1..=MAX_LEN).contains(&bytes.len())
            && bytes
                .iter()
                .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'-'));
        match std::str::from_utf8(bytes) {
            Ok(text) if plain => (Self(text.to_owned()), Origin::Given),
            _ => (Self::new(), Origin::Replaced),
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl Default for RequestId {
    fn default() -> Self {
        Self::new()
    }
}

impl std::fmt::Display for RequestId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn from(text: &str) -> (RequestId, Origin) {
        RequestId::from_header(Some(&HeaderValue::from_str(text).expect("a header value")))
    }

    #[test]
    fn a_plain_token_is_taken_and_anything_else_replaced() {
        assert_eq!(from("abc-123_X.y").0.as_str(), "abc-123_X.y");
        assert_eq!(from("abc-123_X.y").1, Origin::Given);
        assert_eq!(from(&"a".repeat(64)).1, Origin::Given);
        for bad in ["", "a b", "a\"b", "<script>", "ä", "x/y"] {
            let value = HeaderValue::from_bytes(bad.as_bytes()).expect("a header value");
            let (id, origin) = RequestId::from_header(Some(&value));
            assert_eq!(origin, Origin::Replaced, "{bad:?}");
            assert_ne!(id.as_str(), bad);
        }
        assert_eq!(from(&"a".repeat(65)).1, Origin::Replaced);
        let (made, origin) = RequestId::from_header(None);
        assert_eq!(origin, Origin::Made);
        assert!(uuid::Uuid::parse_str(made.as_str()).is_ok());
    }
}
