//! The mails of subscribing to the digest: the confirmation link, or word that the address
//! receives the digest already; both with the unsubscribe link and its RFC 8058 headers.

use chrono::{DateTime, Duration, Utc};
use entity::{digest_subscriber as row, outbox_mail::MailPurpose};
use serde::Serialize;

use super::{
    subscription::{confirmation_stamp, CONFIRMATION_LINK_TTL_HOURS, CONFIRM_PATH},
    unsubscribe,
};
use crate::{
    auth::{LinkPurpose, Links},
    error::AppResult,
    mail::NewMail,
};

#[derive(Serialize)]
struct MailContext<'a> {
    title: &'a str,
    language: &'a str,
    email: &'a str,
    confirm_url: Option<String>,
    unsubscribe_url: String,
    hours: i64,
}

fn render_mail(
    links: &Links,
    subscriber: &row::Model,
    now: DateTime<Utc>,
    template: &str,
    subject: &str,
    confirm_url: Option<String>,
) -> AppResult<NewMail> {
    let context = MailContext {
        title: subject,
        language: &subscriber.language,
        email: &subscriber.email,
        confirm_url,
        unsubscribe_url: unsubscribe::unsubscribe_link(links, subscriber.id, now),
        hours: CONFIRMATION_LINK_TTL_HOURS,
    };
    Ok(NewMail {
        purpose: MailPurpose::SubscriptionConfirmation,
        // One mail per version: a burst that got past the limit together still queues one.
        dedupe_key: format!("{template}:{}:{}", subscriber.id.simple(), subscriber.version),
        recipient: subscriber.email.clone(),
        subject: subject.to_owned(),
        text_body: crate::mail::template::render(&format!("{template}.txt"), &context)?,
        html_body: Some(crate::mail::template::render(&format!("{template}.html"), &context)?),
        headers: unsubscribe::headers(links, subscriber.id, now),
    })
}

pub(super) fn confirmation_mail(links: &Links, subscriber: &row::Model, now: DateTime<Utc>) -> AppResult<NewMail> {
    let token = links.issue(
        LinkPurpose::ConfirmSubscription,
        subscriber.id,
        &confirmation_stamp(subscriber),
        Duration::hours(CONFIRMATION_LINK_TTL_HOURS),
        now,
    );
    let confirm_url = links.url(&format!("{CONFIRM_PATH}?token={token}"));
    render_mail(
        links,
        subscriber,
        now,
        "subscription_confirmation",
        "Confirm your subscription to the weekly digest",
        Some(confirm_url),
    )
}

pub(super) fn already_subscribed_mail(
    links: &Links,
    subscriber: &row::Model,
    now: DateTime<Utc>,
) -> AppResult<NewMail> {
    render_mail(
        links,
        subscriber,
        now,
        "subscription_active",
        "You are subscribed to the weekly digest already",
        None,
    )
}

#[cfg(test)]
mod tests {
    use entity::digest_subscriber::SubscriberStatus as Status;
    use uuid::Uuid;

    use super::*;

    #[test]
    fn both_mails_render_with_their_links_and_headers() {
        let links = Links::default();
        let now = Utc::now();
        let subscriber = row::Model {
            id: Uuid::now_v7(),
            email: "a<b>@example.org".into(),
            language: "en".into(),
            status: Status::Pending,
            confirmed_at: None,
            unsubscribed_at: None,
            last_confirmation_at: Some(now),
            version: 2,
            created_at: now,
            updated_at: now,
        };
        let confirm = confirmation_mail(&links, &subscriber, now).expect("renders");
        assert!(
            confirm.text_body.contains("/digest/confirm?token=cs."),
            "{}",
            confirm.text_body
        );
        assert!(confirm.text_body.contains("/digest/unsubscribe?token=us."));
        let html = confirm.html_body.expect("html");
        assert!(html.contains("a&lt;b&gt;@example.org"), "{html}");
        assert_eq!(confirm.headers["List-Unsubscribe-Post"], "List-Unsubscribe=One-Click");
        assert_eq!(
            confirm.dedupe_key,
            format!("subscription_confirmation:{}:2", subscriber.id.simple())
        );
        let active = already_subscribed_mail(&links, &subscriber, now).expect("renders");
        assert!(!active.text_body.contains("/digest/confirm"));
        assert!(active.headers["List-Unsubscribe"].starts_with("<http://127.0.0.1:8080/digest/unsubscribe?token=us."));
    }
}
