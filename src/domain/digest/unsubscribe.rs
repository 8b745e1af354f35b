//! The unsubscribe link every digest mail carries, and its RFC 8058 headers.

use std::collections::BTreeMap;

use chrono::{DateTime, Duration, Utc};
use uuid::Uuid;

use crate::auth::{LinkPurpose, Links};

/// How long an unsubscribe link works: well past the mail's life in an inbox, yet not forever.
pub const UNSUBSCRIBE_LINK_TTL_DAYS: i64 = 400;

/// The path of the unsubscribe page; a POST to it unsubscribes (RFC 8058's one click).
pub const UNSUBSCRIBE_PATH: &str = "/digest/unsubscribe";

/// The link that ends `subscriber`'s subscription. Unsubscribing again changes nothing, so the
/// token's stamp is constant: the link works until it expires.
pub fn unsubscribe_link(links: &Links, subscriber: Uuid, now: DateTime<Utc>) -> String {
    let token = links.issue(
        LinkPurpose::Unsubscribe,
        subscriber,
        "",
        Duration::days(UNSUBSCRIBE_LINK_TTL_DAYS),
        now,
    );
    links.url(&format!("{UNSUBSCRIBE_PATH}?token={token}"))
}

/// `List-Unsubscribe` and `List-Unsubscribe-Post` (RFC 2369, RFC 8058) for a mail to `subscriber`.
pub fn headers(links: &Links, subscriber: Uuid, now: DateTime<Utc>) -> BTreeMap<String, String> {
    BTreeMap::from([
        (
            "List-Unsubscribe".to_owned(),
            format!("<{}>", unsubscribe_link(links, subscriber, now)),
        ),
        (
            "List-Unsubscribe-Post".to_owned(),
            "List-Unsubscribe=One-Click".to_owned(),
        ),
    ])
}
