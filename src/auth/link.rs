//! Links that mails carry (confirm a digest subscription, unsubscribe, verify an address, reset a
//! password): signed, single-purpose, expiring tokens, and the public address they point at.
//!
//! A token is `purpose.subject.expires.stamp-check.mac`, HMAC-SHA256 under a key derived from
//! JWT_SECRET, so nothing is stored per link. Single use comes from the `stamp`: the caller binds
//! a token to something the use changes (a user's password hash for a reset, a subscription's
//! version for a confirmation), and a used token no longer matches. Why our own format rather
//! than a JWT: these tokens travel in URLs and mail bodies, where a short, opaque string that
//! cannot be mistaken for an access token (different key, no `alg` header to confuse) is safer.

use base64::{engine::general_purpose::URL_SAFE_NO_PAD, Engine};
use chrono::{DateTime, Duration, TimeZone, Utc};
use hmac::{Hmac, Mac};
use sha2::{Digest, Sha256};
use uuid::Uuid;

type HmacSha256 = Hmac<Sha256>;

/// What a link token may be used for; a token made for one purpose is refused for any other.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LinkPurpose {
    /// Confirms a digest subscription (double opt-in).
    ConfirmSubscription,
    /// Ends a digest subscription (the link in every digest mail, and RFC 8058's one click).
    Unsubscribe,
    /// Proves a user reads mail at their address.
    VerifyEmail,
    /// Sets a new password once.
    ResetPassword,
}

impl LinkPurpose {
    fn tag(self) -> &'static str {
        match self {
            LinkPurpose::ConfirmSubscription => "cs",
            LinkPurpose::Unsubscribe => "us",
            LinkPurpose::VerifyEmail => "ve",
            LinkPurpose::ResetPassword => "rp",
        }
    }
}

/// Why a link token was refused. Callers map every variant to one public code, so a caller
/// cannot tell a forged token from an expired one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum LinkError {
    #[error("the link token is malformed")]
    Malformed,
    #[error("the link token was made for another purpose")]
    WrongPurpose,
    #[error("the link token's signature does not match")]
    BadSignature,
    #[error("the link token has expired")]
    Expired,
    #[error("the link token was used already")]
    Used,
}

/// Makes and checks link tokens, and turns paths into the absolute URLs mails carry.
#[derive(Clone)]
pub struct Links {
    key: [u8; 32],
    /// Where users reach the service, e.g. `https://clusters.example.org`, without a trailing slash.
    public_base_url: String,
}

impl std::fmt::Debug for Links {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Links")
            .field("public_base_url", &self.public_base_url)
            .finish_non_exhaustive()
    }
}

impl Default for Links {
    /// The development server's address and secret.
    fn default() -> Self {
        Self::new(crate::config::DEVELOPMENT_JWT_SECRET, "http://127.0.0.1:8080")
    }
}

impl Links {
    /// `secret` is JWT_SECRET; the link key is derived from it, so the two never coincide.
    pub fn new(secret: &str, public_base_url: &str) -> Self {
        let mut hasher = Sha256::new();
        hasher.update(b"clusterbridge link tokens v1\0");
        hasher.update(secret.as_bytes());
        Self {
            key: hasher.finalize().into(),
            public_base_url: public_base_url.trim_end_matches('/').to_owned(),
        }
    }

    /// `path` (starting with `/`) on the public address.
    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.public_base_url, path)
    }

    /// A token for `purpose` on `subject`, valid until `now + ttl` while `stamp` stays the same.
    pub fn issue(&self, purpose: LinkPurpose, subject: Uuid, stamp: &str, ttl: Duration, now: DateTime<Utc>) -> String {
        let expires = (now + ttl).timestamp();
        let head = format!("{}.{}.{}", purpose.tag(), subject.simple(), expires);
        let mac = self.mac(&head, stamp);
        format!("{head}.{}", URL_SAFE_NO_PAD.encode(mac))
    }

    /// The subject of a token for `purpose`, before the stamp is known: the caller reads the
    /// subject's record, then calls [`Links::verify`] with its current stamp.
    pub fn subject(&self, purpose: LinkPurpose, token: &str) -> Result<Uuid, LinkError> {
        let (tag, subject, _, _) = split(token)?;
        if tag != purpose.tag() {
            return Err(LinkError::WrongPurpose);
        }
        Ok(subject)
    }

    /// Checks a token for `purpose` against the subject's current `stamp` and returns its subject.
    /// A token whose stamp no longer matches (used, or overtaken) is `Used`.
    pub fn verify(
        &self,
        purpose: LinkPurpose,
        token: &str,
        stamp: &str,
        now: DateTime<Utc>,
    ) -> Result<Uuid, LinkError> {
        let (tag, subject, expires, mac) = split(token)?;
        if tag != purpose.tag() {
            return Err(LinkError::WrongPurpose);
        }
        let head = &token[..token.len() - mac.len() - 1];
        let presented = URL_SAFE_NO_PAD.decode(mac).map_err(|_| LinkError::Malformed)?;
        if presented.len() != 40 {
            return Err(LinkError::Malformed);
        }
        let mut check = HmacSha256::new_from_slice(&self.key).map_err(|_| LinkError::Malformed)?;
        check.update(head.as_bytes());
        check.update(b"\0");
        check.update(stamp.as_bytes());
        if check.verify_slice(&presented[..32]).is_err() {
            // Either forged or bound to an older stamp: tell them apart with the signature over
            // the head alone, which a forger cannot make either.
            return Err(if self.signed_by_us(head, &presented) {
                LinkError::Used
            } else {
                LinkError::BadSignature
            });
        }
        // The head check rides along unverified otherwise: a token would have many spellings.
        if !self.signed_by_us(head, &presented) {
            return Err(LinkError::BadSignature);
        }
        let expires_at = Utc.timestamp_opt(expires, 0).single().ok_or(LinkError::Malformed)?;
        if expires_at <= now {
            return Err(LinkError::Expired);
        }
        Ok(subject)
    }

    fn mac(&self, head: &str, stamp: &str) -> Vec<u8> {
        // Infallible: HMAC takes a key of any length.
        let mut mac = HmacSha256::new_from_slice(&self.key).expect("HMAC accepts any key length");
        mac.update(head.as_bytes());
        mac.update(b"\0");
        mac.update(stamp.as_bytes());
        let mut out = mac.finalize().into_bytes().to_vec();
        // The first 8 bytes of a stamp-free MAC ride along, so a used token can be told from a
        // forged one without storing anything.
        out.extend_from_slice(&self.head_check(head));
        out
    }

    fn head_check(&self, head: &str) -> [u8; 8] {
        let mut mac = HmacSha256::new_from_slice(&self.key).expect("HMAC accepts any key length");
        mac.update(b"head\0");
        mac.update(head.as_bytes());
        let full = mac.finalize().into_bytes();
        let mut out = [0u8; 8];
        out.copy_from_slice(&full[..8]);
        out
    }

    fn signed_by_us(&self, head: &str, presented: &[u8]) -> bool {
        presented[32..] == self.head_check(head)
    }
}

fn split(token: &str) -> Result<(&str, Uuid, i64, &str), LinkError> {
    if token.len() > 200 {
        return Err(LinkError::Malformed);
    }
    let mut parts = token.split('.');
    let (Some(tag), Some(subject), Some(expires), Some(mac), None) =
        (parts.next(), parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err(LinkError::Malformed);
    };
    let subject = Uuid::try_parse(subject).map_err(|_| LinkError::Malformed)?;
    let expires = expires.parse::<i64>().map_err(|_| LinkError::Malformed)?;
    Ok((tag, subject, expires, mac))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn links() -> Links {
        Links::new("a-secret-of-at-least-thirty-two-bytes!!", "https://example.org/")
    }

    #[test]
    fn a_token_verifies_for_its_purpose_stamp_and_time_only() {
        let links = links();
        let now = Utc::now();
        let subject = Uuid::now_v7();
        let token = links.issue(LinkPurpose::ResetPassword, subject, "hash-1", Duration::hours(1), now);
        assert_eq!(
            links.verify(LinkPurpose::ResetPassword, &token, "hash-1", now),
            Ok(subject)
        );
        assert_eq!(links.subject(LinkPurpose::ResetPassword, &token), Ok(subject));
        assert_eq!(
            links.verify(LinkPurpose::VerifyEmail, &token, "hash-1", now),
            Err(LinkError::WrongPurpose)
        );
        assert_eq!(
            links.verify(LinkPurpose::ResetPassword, &token, "hash-2", now),
            Err(LinkError::Used)
        );
        assert_eq!(
            links.verify(LinkPurpose::ResetPassword, &token, "hash-1", now + Duration::hours(2)),
            Err(LinkError::Expired)
        );
        let other = Links::new("another-secret-of-at-least-thirty-two-bytes", "https://example.org");
        assert_eq!(
            other.verify(LinkPurpose::ResetPassword, &token, "hash-1", now),
            Err(LinkError::BadSignature)
        );
        let mut tampered = token.clone();
        tampered.replace_range(3..4, if &token[3..4] == "0" { "1" } else { "0" });
        assert!(links
            .verify(LinkPurpose::ResetPassword, &tampered, "hash-1", now)
            .is_err());
        // The last characters carry the head check: changing them is refused too.
        let mut tail = token.clone();
        let last = tail.pop().expect("a character");
        tail.push(if last == 'w' { 'g' } else { 'w' });
        assert_eq!(
            links.verify(LinkPurpose::ResetPassword, &tail, "hash-1", now),
            Err(LinkError::BadSignature)
        );
        assert_eq!(
            links.verify(LinkPurpose::ResetPassword, "x.y", "hash-1", now),
            Err(LinkError::Malformed)
        );
        assert_eq!(links.url("/digest/latest"), "https://example.org/digest/latest");
    }
}
