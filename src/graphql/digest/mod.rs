//! Subscribing to the weekly digest in GraphQL (issue 16.4): `subscribeToDigest` for anyone,
//! the mailed links' `confirmDigestSubscription` and `unsubscribeFromDigest`, and the
//! administrators' `digestSubscribers` with their counts.

mod mutations;

use async_graphql::{Context, Enum, InputObject, Object, SimpleObject, ID};
use chrono::{DateTime, Utc};
use entity::{
    digest_subscriber::{self as row, SubscriberStatus},
    digest_subscriber_topic::TopicKind,
    taxonomy as t,
};
use sea_orm::ActiveEnum;

pub use self::mutations::DigestSubscriptionMutation;
use crate::{
    domain::{digest::subscription as domain, pagination::PageRequest, policy},
    error::AppResult,
    graphql::{
        connection::{total_count_if_selected, Connection, DigestSubscriberConnection},
        context::{caller, db, list},
        enums::Ecosystem,
        loaders as l, node,
        post::PostKind,
    },
};

pub const TYPE_NAME: &str = "DigestSubscriber";

/// Where a digest subscription stands.
#[derive(Enum, Copy, Clone, Debug, PartialEq, Eq)]
#[graphql(remote = "entity::digest_subscriber::SubscriberStatus")]
pub enum DigestSubscriberStatus {
    /// Asked for, not yet confirmed through the mailed link: receives nothing.
    Pending,
    /// Confirmed: receives the weekly digest.
    Confirmed,
    /// Ended by its unsubscribe link: receives nothing.
    Unsubscribed,
}

/// A subscriber of the weekly digest (administrators only: the address is personal data).
#[derive(Clone)]
pub struct DigestSubscriber(pub row::Model);

impl DigestSubscriber {
    /// The subscriber's topics of one kind, as stored.
    async fn topics(&self, ctx: &Context<'_>, kind: TopicKind) -> AppResult<Vec<String>> {
        Ok(list(ctx, l::DigestTopicsOf(self.0.id))
            .await?
            .into_iter()
            .filter(|topic| topic.kind == kind)
            .map(|topic| topic.value)
            .collect())
    }
}

#[Object]
/// A subscriber of the weekly digest (administrators only: the address is personal data).
impl DigestSubscriber {
    /// Opaque global identifier.
    pub async fn id(&self) -> ID {
        node::encode(TYPE_NAME, self.0.id)
    }
    /// The address, in lower case.
    async fn email(&self) -> &str {
        &self.0.email
    }
    /// The language (BCP 47 tag) the digest is written in.
    async fn language(&self) -> &str {
        &self.0.language
    }
    /// Where the subscription stands.
    async fn status(&self) -> DigestSubscriberStatus {
        self.0.status.into()
    }
    /// The ecosystems followed; none means all.
    async fn ecosystems(&self, ctx: &Context<'_>) -> AppResult<Vec<Ecosystem>> {
        let values = self.topics(ctx, TopicKind::Ecosystem).await?;
        Ok(values
            .iter()
            .filter_map(|v| t::Ecosystem::try_from_value(v).ok())
            .map(Into::into)
            .collect())
    }
    /// The countries (ISO 3166-1 alpha-2) followed; none means all.
    async fn countries(&self, ctx: &Context<'_>) -> AppResult<Vec<String>> {
        self.topics(ctx, TopicKind::Country).await
    }
    /// The kinds of post followed; none means all.
    async fn post_kinds(&self, ctx: &Context<'_>) -> AppResult<Vec<PostKind>> {
        let values = self.topics(ctx, TopicKind::PostKind).await?;
        Ok(values
            .iter()
            .filter_map(|v| t::PostKind::try_from_value(v).ok())
            .map(Into::into)
            .collect())
    }
    /// The languages (BCP 47 tags) of what is published that are followed; none means all.
    async fn languages(&self, ctx: &Context<'_>) -> AppResult<Vec<String>> {
        self.topics(ctx, TopicKind::Language).await
    }
    /// When the subscription was last confirmed.
    async fn confirmed_at(&self) -> Option<DateTime<Utc>> {
        self.0.confirmed_at
    }
    /// When the subscription was last ended.
    async fn unsubscribed_at(&self) -> Option<DateTime<Utc>> {
        self.0.unsubscribed_at
    }
    /// When the address first asked for the digest.
    async fn created_at(&self) -> DateTime<Utc> {
        self.0.created_at
    }
    /// When the subscription last changed.
    async fn updated_at(&self) -> DateTime<Utc> {
        self.0.updated_at
    }
    /// Moves on with every change; a confirmation link holds for one version only.
    async fn version(&self) -> i32 {
        self.0.version
    }
}

/// Narrows the digest's subscribers.
#[derive(InputObject, Default)]
pub struct DigestSubscriberFilter {
    /// Subscribers in this state only.
    pub status: Option<DigestSubscriberStatus>,
}

/// How many subscribers are in each state.
#[derive(SimpleObject)]
pub struct DigestSubscriberCounts {
    /// Asked for, not yet confirmed.
    pub pending: u64,
    /// Receiving the digest.
    pub confirmed: u64,
    /// Ended.
    pub unsubscribed: u64,
}

#[derive(Default)]
pub struct DigestSubscriptionQuery;

#[Object]
impl DigestSubscriptionQuery {
    /// The digest's subscribers in the order they first subscribed (administrators only).
    async fn digest_subscribers(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The first n items, 1–100; 20 when not given.")] first: Option<i32>,
        #[graphql(desc = "Items after this cursor: an edge's `cursor` or `pageInfo.endCursor`.")] after: Option<String>,
        #[graphql(desc = "Which subscribers; all when not given.")] filter: Option<DigestSubscriberFilter>,
    ) -> AppResult<DigestSubscriberConnection> {
        let actor = policy::signed_in(caller(ctx))?;
        let status = filter.unwrap_or_default().status.map(SubscriberStatus::from);
        let window = PageRequest::new(first, after, None, None).window()?;
        let page = domain::list(db(ctx), actor, status, &window).await?;
        let total = total_count_if_selected(ctx, domain::count(db(ctx), status)).await?;
        Ok(DigestSubscriberConnection::new(page.map(DigestSubscriber), total))
    }

    /// How many subscribers the digest has in each state (administrators only).
    async fn digest_subscriber_counts(&self, ctx: &Context<'_>) -> AppResult<DigestSubscriberCounts> {
        let actor = policy::signed_in(caller(ctx))?;
        policy::may_manage_digest_subscribers(actor)?;
        let db = db(ctx);
        Ok(DigestSubscriberCounts {
            pending: domain::count(db, Some(SubscriberStatus::Pending)).await?,
            confirmed: domain::count(db, Some(SubscriberStatus::Confirmed)).await?,
            unsubscribed: domain::count(db, Some(SubscriberStatus::Unsubscribed)).await?,
        })
    }
}
