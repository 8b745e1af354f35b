//! Subscribing to the weekly digest with double opt-in (issue 16.4): anyone asks for it with an
//! address and topics, a mailed link confirms it, a mailed link (or RFC 8058's one click) ends it.
//!
//! No enumeration: `subscribe` answers the same whatever the address's state, and mails only the
//! address itself. A new, pending or unsubscribed address gets its topics (re)stored, PENDING, and
//! a confirmation link; a confirmed one keeps its topics (nobody changes them without a
//! confirmation) and is told by mail that it is subscribed already. At most one such mail per
//! address per [`SubscriptionSettings::confirmation_interval`]: over it, nothing changes at all.
//!
//! Single use: the confirmation token's stamp is the subscriber's version, which every change
//! moves on, so a confirmed, unsubscribed or re-subscribed address makes older links useless.

use chrono::{Duration, Utc};
use entity::{
    digest_subscriber::{self as row, SubscriberStatus as Status},
    digest_subscriber_topic::{self as topic, TopicKind},
    taxonomy::{Ecosystem, PostKind},
};
use sea_orm::{
    ActiveEnum, ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter,
    TransactionSession, TransactionTrait,
};
use uuid::Uuid;

use super::subscription_mail::{already_subscribed_mail, confirmation_mail};
use crate::{
    auth::{LinkPurpose, Links, Principal},
    domain::{
        audit::{self, AuditAction, AuditEntityType, Entry},
        child_rows,
        locale::{LanguageTag, LANGUAGE_HINT},
        pagination::{keyset_page, Keyset, Page, SortKey, Window},
        policy,
        validation::Checker,
        version,
    },
    error::{AppError, AppResult, Refusal},
    mail,
};

/// How long a confirmation link works.
pub const CONFIRMATION_LINK_TTL_HOURS: i64 = 72;
/// The path of the confirmation page; a POST to it confirms.
pub const CONFIRM_PATH: &str = "/digest/confirm";
/// The longest address taken (RFC 5321's path limit less the brackets).
pub const EMAIL_MAX: usize = 254;
/// Most distinct languages of what is published one subscriber follows.
pub const LANGUAGES_MAX: usize = 20;
/// Most countries one subscriber follows: every ISO 3166-1 code.
pub const COUNTRIES_MAX: usize = 250;
/// What `subscribeToDigest` always answers.
pub const ACCEPTED_MESSAGE: &str =
    "Thank you. If this address can receive the digest, a mail is on its way: follow its link to confirm.";

/// The per-address limit on confirmation mails.
#[derive(Debug, Clone, Copy)]
pub struct SubscriptionSettings {
    /// One confirmation (or "subscribed already") mail per address per this long.
    pub confirmation_interval: Duration,
}

impl Default for SubscriptionSettings {
    fn default() -> Self {
        Self {
            confirmation_interval: Duration::minutes(10),
        }
    }
}

/// What someone asks to subscribe with, before it is checked.
#[derive(Debug, Clone, Default)]
pub struct SubscriptionRequest {
    pub email: String,
    /// The digest's language (BCP 47); English when not given.
    pub language: Option<String>,
    pub ecosystems: Vec<Ecosystem>,
    pub countries: Vec<String>,
    pub post_kinds: Vec<PostKind>,
    pub languages: Vec<String>,
}

/// A checked request: address in lower case, tags canonical, lists sorted without repeats.
struct Checked {
    email: String,
    language: String,
    topics: Vec<(TopicKind, String)>,
}

fn check(request: SubscriptionRequest) -> AppResult<Checked> {
    let mut check = Checker::new();
    let mut email = Some(request.email.trim().to_lowercase());
    if email.as_ref().is_some_and(|e| e.len() > EMAIL_MAX) {
        check.fail("email", format!("must be at most {EMAIL_MAX} characters"));
    } else {
        check.optional_email("email", &mut email);
        if email.is_none() {
            check.fail("email", "must not be empty");
        }
    }
    let email = email.unwrap_or_default();
    let language = match request.language.as_deref().map(str::trim).filter(|l| !l.is_empty()) {
        None => "en".to_owned(),
        Some(raw) => LanguageTag::parse(raw).map_or_else(
            || {
                check.fail("language", LANGUAGE_HINT);
                String::new()
            },
            |tag| tag.as_str().to_owned(),
        ),
    };
    let mut countries = request.countries;
    if countries.len() > COUNTRIES_MAX {
        check.fail("countries", format!("must hold at most {COUNTRIES_MAX} countries"));
        countries.clear();
    }
    check.countries("countries", &mut countries);
    let mut languages = Vec::new();
    for raw in &request.languages {
        match LanguageTag::parse(raw) {
            Some(tag) => languages.push(tag.as_str().to_owned()),
            None => check.fail("languages", LANGUAGE_HINT),
        }
    }
    languages.sort();
    languages.dedup();
    if languages.len() > LANGUAGES_MAX {
        check.fail("languages", format!("must hold at most {LANGUAGES_MAX} languages"));
    }
    check.finish()?;
    let mut topics: Vec<(TopicKind, String)> = Vec::new();
    topics.extend(request.ecosystems.iter().map(|e| (TopicKind::Ecosystem, e.to_value())));
    topics.extend(request.post_kinds.iter().map(|k| (TopicKind::PostKind, k.to_value())));
    topics.extend(countries.into_iter().map(|c| (TopicKind::Country, c)));
    topics.extend(languages.into_iter().map(|l| (TopicKind::Language, l)));
    topics.sort_by(|a, b| (a.0.to_value(), &a.1).cmp(&(b.0.to_value(), &b.1)));
    topics.dedup();
    Ok(Checked {
        email,
        language,
        topics,
    })
}

fn entry(id: Uuid, action: AuditAction, changed_fields: Vec<&'static str>) -> Entry {
    // No address in the log: the subscriber's id is all an administrator needs to find it.
    Entry {
        entity_type: AuditEntityType::DigestSubscriber,
        entity_id: id,
        action,
        changed_fields,
        country: None,
    }
}

/// Asks for the digest at `request.email`. Always `Ok(())` for a valid request, whatever the
/// address's state and whether a mail was queued: the caller cannot tell.
pub async fn subscribe<C: TransactionTrait + ConnectionTrait>(
    db: &C,
    links: &Links,
    settings: SubscriptionSettings,
    actor: Option<&Principal>,
    request: SubscriptionRequest,
) -> AppResult<()> {
    let checked = check(request)?;
    let now = Utc::now();
    let txn = crate::db::begin_write(db).await?;
    let fresh = row::ActiveModel {
        id: Set(Uuid::now_v7()),
        email: Set(checked.email.clone()),
        language: Set(checked.language.clone()),
        status: Set(Status::Pending),
        confirmed_at: Set(None),
        unsubscribed_at: Set(None),
        last_confirmation_at: Set(None),
        version: Set(1),
        created_at: Set(now),
        updated_at: Set(now),
    };
    // A burst for one new address makes one row: the others find it.
    row::Entity::insert(fresh)
        .on_conflict_do_nothing_on([row::Column::Email])
        .exec_without_returning(&txn)
        .await?;
    let current = row::Entity::find()
        .filter(row::Column::Email.eq(&checked.email))
        .one(&txn)
        .await?
        .ok_or_else(|| AppError::internal("a digest subscriber vanished inside its transaction"))?;
    if current
        .last_confirmation_at
        .is_some_and(|at| at + settings.confirmation_interval > now)
    {
        return Ok(());
    }
    let confirmed = current.status == Status::Confirmed;
    let change = if confirmed {
        row::ActiveModel {
            last_confirmation_at: Set(Some(now)),
            ..Default::default()
        }
    } else {
        row::ActiveModel {
            language: Set(checked.language.clone()),
            status: Set(Status::Pending),
            confirmed_at: Set(None),
            last_confirmation_at: Set(Some(now)),
            ..Default::default()
        }
    };
    let saved = match version::save::<row::Entity, _>(&txn, current.id, current.version, change).await {
        Ok(saved) => saved,
        // Another request for this address got there first and mailed it: the same answer.
        Err(AppError::Conflict(_)) => return Ok(()),
        Err(other) => return Err(other),
    };
    let (mail, changed) = if confirmed {
        (already_subscribed_mail(links, &saved, now)?, vec!["lastConfirmationAt"])
    } else {
        child_rows::replace::<topic::Entity, _>(
            &txn,
            topic::Column::SubscriberId,
            saved.id,
            checked.topics.iter().map(|(kind, value)| topic::ActiveModel {
                subscriber_id: Set(saved.id),
                kind: Set(*kind),
                value: Set(value.clone()),
            }),
        )
        .await?;
        (
            confirmation_mail(links, &saved, now)?,
            vec!["status", "language", "topics", "lastConfirmationAt"],
        )
    };
    mail::enqueue(&txn, mail).await?;
    audit::record_by(&txn, actor, entry(saved.id, AuditAction::Subscribe, changed)).await?;
    txn.commit().await?;
    Ok(())
}

/// Whom a token names, before its stamp is known; a wrong purpose or a malformed token is
/// LINK_INVALID like every other bad link.
fn subject(links: &Links, purpose: LinkPurpose, token: &str) -> AppResult<Uuid> {
    links.subject(purpose, token).map_err(|why| {
        tracing::debug!(%why, "link token refused");
        Refusal::LinkInvalid.into()
    })
}

/// The subscriber a link token names, while the token holds for `stamp_of` it; LINK_INVALID for
/// any failure, with the reason in the log only.
async fn by_token<C: ConnectionTrait>(
    db: &C,
    links: &Links,
    purpose: LinkPurpose,
    token: &str,
    stamp_of: impl Fn(&row::Model) -> String,
) -> AppResult<row::Model> {
    let id = subject(links, purpose, token)?;
    let current = row::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or(AppError::Refused(Refusal::LinkInvalid))?;
    links
        .verify(purpose, token, &stamp_of(&current), Utc::now())
        .map_err(|why| {
            tracing::debug!(%why, "link token refused");
            AppError::Refused(Refusal::LinkInvalid)
        })?;
    Ok(current)
}

pub(super) fn confirmation_stamp(subscriber: &row::Model) -> String {
    subscriber.version.to_string()
}

/// Whether `token` would confirm a subscription now, without changing anything: what the page
/// behind a mailed link shows before its button is pressed (mail scanners fetch links too).
pub async fn confirmation_holds<C: ConnectionTrait>(db: &C, links: &Links, token: &str) -> AppResult<bool> {
    match by_token(db, links, LinkPurpose::ConfirmSubscription, token, confirmation_stamp).await {
        Ok(subscriber) => Ok(subscriber.status == Status::Pending),
        Err(AppError::Refused(Refusal::LinkInvalid)) => Ok(false),
        Err(other) => Err(other),
    }
}

/// Whether `token` is a valid unsubscribe link, without changing anything.
pub async fn unsubscribe_holds<C: ConnectionTrait>(db: &C, links: &Links, token: &str) -> AppResult<bool> {
    match by_token(db, links, LinkPurpose::Unsubscribe, token, |_| String::new()).await {
        Ok(_) => Ok(true),
        Err(AppError::Refused(Refusal::LinkInvalid)) => Ok(false),
        Err(other) => Err(other),
    }
}

/// Confirms the PENDING subscription a confirmation token names: once, while the token is fresh
/// and nothing changed since it was mailed.
pub async fn confirm<C: TransactionTrait + ConnectionTrait>(
    db: &C,
    links: &Links,
    actor: Option<&Principal>,
    token: &str,
) -> AppResult<row::Model> {
    let txn = crate::db::begin_write(db).await?;
    let current = by_token(&txn, links, LinkPurpose::ConfirmSubscription, token, confirmation_stamp).await?;
    if current.status != Status::Pending {
        return Err(Refusal::LinkInvalid.into());
    }
    let change = row::ActiveModel {
        status: Set(Status::Confirmed),
        confirmed_at: Set(Some(Utc::now())),
        ..Default::default()
    };
    let saved = version::save::<row::Entity, _>(&txn, current.id, current.version, change)
        .await
        // The same link pressed twice at once: the other press confirmed it.
        .map_err(|e| match e {
            AppError::Conflict(_) => Refusal::LinkInvalid.into(),
            other => other,
        })?;
    audit::record_by(&txn, actor, entry(saved.id, AuditAction::Confirm, vec!["status"])).await?;
    txn.commit().await?;
    Ok(saved)
}

/// Ends the subscription an unsubscribe token names. Idempotent: an ended one stays as it is.
pub async fn unsubscribe<C: TransactionTrait + ConnectionTrait>(
    db: &C,
    links: &Links,
    actor: Option<&Principal>,
    token: &str,
) -> AppResult<row::Model> {
    let txn = crate::db::begin_write(db).await?;
    let current = by_token(&txn, links, LinkPurpose::Unsubscribe, token, |_| String::new()).await?;
    if current.status == Status::Unsubscribed {
        return Ok(current);
    }
    let change = row::ActiveModel {
        status: Set(Status::Unsubscribed),
        unsubscribed_at: Set(Some(Utc::now())),
        ..Default::default()
    };
    let saved = match version::save::<row::Entity, _>(&txn, current.id, current.version, change).await {
        Ok(saved) => saved,
        Err(AppError::Conflict(_)) => {
            // Changed under us (a second click, a re-subscription): unsubscribe what is there now.
            drop(txn);
            return Box::pin(unsubscribe(db, links, actor, token)).await;
        }
        Err(other) => return Err(other),
    };
    audit::record_by(&txn, actor, entry(saved.id, AuditAction::Unsubscribe, vec!["status"])).await?;
    txn.commit().await?;
    Ok(saved)
}

/// Subscribers in the order they came, for administrators.
const OLDEST_FIRST: Keyset<row::Entity> = Keyset {
    name: "CREATED_AT",
    column: row::Column::CreatedAt,
    id: row::Column::Id,
    ascending: true,
    key_of: |m| (SortKey::Time(m.created_at), m.id),
};

fn with_status(status: Option<Status>) -> sea_orm::Select<row::Entity> {
    let query = row::Entity::find();
    match status {
        Some(status) => query.filter(row::Column::Status.eq(status)),
        None => query,
    }
}

/// A page of subscribers, of one status or all (administrators only).
pub async fn list<C: ConnectionTrait>(
    db: &C,
    actor: &Principal,
    status: Option<Status>,
    window: &Window,
) -> AppResult<Page<row::Model>> {
    policy::may_manage_digest_subscribers(actor)?;
    keyset_page(db, with_status(status), &OLDEST_FIRST, window).await
}

/// How many subscribers there are of one status or all; the caller has passed the policy.
pub async fn count<C: ConnectionTrait>(db: &C, status: Option<Status>) -> AppResult<u64> {
    Ok(with_status(status).count(db).await?)
}

/// The subscribers of `ids`, for those who manage them as [`list`] decides (`node`); none for
/// anyone else.
pub async fn visible<C: ConnectionTrait>(db: &C, actor: &Principal, ids: &[Uuid]) -> AppResult<Vec<row::Model>> {
    if policy::may_manage_digest_subscribers(actor).is_err() {
        return Ok(Vec::new());
    }
    Ok(row::Entity::find()
        .filter(row::Column::Id.is_in(ids.iter().copied()))
        .all(db)
        .await?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_request_is_checked_into_canonical_topics() {
        let checked = check(SubscriptionRequest {
            email: " Ana@Example.ORG ".into(),
            language: Some("zh_tw".into()),
            ecosystems: vec![Ecosystem::Digital, Ecosystem::Digital],
            countries: vec!["uk".into(), "TW".into()],
            post_kinds: vec![PostKind::Call],
            languages: vec!["EN".into(), "en".into()],
        })
        .expect("valid");
        assert_eq!(checked.email, "ana@example.org");
        assert_eq!(checked.language, "zh-Hant-TW");
        let topics: Vec<(String, &str)> = checked.topics.iter().map(|(k, v)| (k.to_value(), v.as_str())).collect();
        assert_eq!(
            topics,
            [
                ("COUNTRY".to_owned(), "GB"),
                ("COUNTRY".to_owned(), "TW"),
                ("ECOSYSTEM".to_owned(), "DIGITAL"),
                ("LANGUAGE".to_owned(), "en"),
                ("POST_KIND".to_owned(), "CALL"),
            ]
        );
    }
}
