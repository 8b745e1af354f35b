//! The GraphQL schema: one module per domain area, merged here.

pub mod account;
pub mod batching;
pub mod bounds;
pub mod change_feed;
pub mod cluster;
pub mod connection;
pub mod context;
pub mod cost;
pub mod digest;
pub mod digest_issue;
pub mod discovery;
pub mod enums;
pub mod guarded_loaders;
pub mod live;
pub mod loaders;
pub mod mail;
pub mod matchmaking;
pub mod member;
pub mod node;
pub mod partner_organisation;
pub mod partner_search;
pub mod partnership;
pub mod post;
pub mod price;
pub mod rate_limit;
pub mod scalars;
pub mod shape;
pub mod story_consent;
pub mod story_workflow;
pub mod success_story;
pub mod translations;
pub mod trusted_document;
pub mod webhook;

use std::time::Duration;

use async_graphql::{dataloader::DataLoader, MergedObject, SDLExportOptions, Schema};
use sea_orm::DatabaseConnection;

use self::batching::Batches;
use crate::{
    auth::{Caller, TokenService},
    domain::{
        notification::Hub,
        policy::{MatchmakingVisibility, PostVisibility, StoryVisibility, Visibility},
    },
};

/// Deepest selection a query may have; the deepest useful query (clusters → partnerships →
/// members → cluster → members) is well inside it.
pub const MAX_DEPTH: usize = 12;
/// Directives one field may carry.
pub const MAX_DIRECTIVES_PER_FIELD: usize = 5;

/// Everything a client can read: the directory of clusters, partnerships, success stories and
/// partner searches, and your own account. Anonymous callers see published records only.
#[derive(MergedObject, Default)]
pub struct Query(
    node::NodeQuery,
    account::AccountQuery,
    account::ApiKeyQuery,
    account::AuditLogQuery,
    cluster::ClusterQuery,
    discovery::DiscoveryQuery,
    partnership::PartnershipQuery,
    success_story::SuccessStoryQuery,
    partner_organisation::PartnerOrganisationQuery,
    partner_search::PartnerSearchQuery,
    matchmaking::MatchmakingQuery,
    post::PostQuery,
    mail::MailQuery,
    digest_issue::DigestQuery,
    digest::DigestSubscriptionQuery,
    rate_limit::RateLimitQuery,
    change_feed::ChangeFeedQuery,
    webhook::WebhookQuery,
);

/// Every change. Each mutation takes one `input` (`requestEmailVerification` needs none), runs
/// in one transaction and returns a payload; all of them need a signed-in caller except
/// `register`, `login`, `refreshToken`, `logout`, `exchangeApiKey`, `verifyEmail`,
/// `requestPasswordReset` and `resetPassword`. Send an `Idempotency-Key` header to make a retry safe.
#[derive(MergedObject, Default)]
pub struct Mutation(
    account::AccountMutation,
    account::AccountMailMutation,
    account::ApiKeyMutation,
    cluster::ClusterMutation,
    member::MemberMutation,
    partnership::PartnershipMutation,
    success_story::SuccessStoryMutation,
    story_consent::StoryConsentMutation,
    story_workflow::StoryWorkflowMutation,
    trusted_document::TrustedDocumentMutation,
    partner_search::PartnerSearchMutation,
    matchmaking::MatchmakingMutation,
    post::PostMutation,
    mail::MailMutation,
    post::PostTranslationMutation,
    translations::TranslationMutation,
    digest_issue::DigestMutation,
    digest::DigestSubscriptionMutation,
    webhook::WebhookMutation,
    cluster::ClusterImportMutation,
);

pub use self::live::Subscription;

pub type ClusterSchema = Schema<Query, Mutation, Subscription>;

/// The schema; `hub` carries the live notifications that mutations publish and subscriptions
/// follow, `links` makes the links that queued mails carry, `subscription` limits the digest's
/// confirmation mails, `webhooks` checks webhook URLs and times secret rotations.
pub fn build_schema(
    db: DatabaseConnection,
    tokens: TokenService,
    hub: Hub,
    links: crate::auth::Links,
    subscription: crate::domain::digest::subscription::SubscriptionSettings,
    webhooks: crate::webhook::WebhookRules,
    production: bool,
) -> ClusterSchema {
    let builder = scalars::describe(Schema::build(
        Query::default(),
        Mutation::default(),
        Subscription::default(),
    ))
    .data(db)
    .data(tokens)
    .data(hub)
    .data(links)
    .data(subscription)
    .data(webhooks)
    .data(crate::domain::recommendation::PartnerIndex::default())
    .limit_depth(MAX_DEPTH)
    .limit_directives(MAX_DIRECTIVES_PER_FIELD);
    // "Did you mean …?" hints map the schema for someone who may not read it.
    let builder = if production {
        builder.disable_suggestions()
    } else {
        builder
    };
    builder.finish()
}

/// The schema in SDL, as committed in `schema.graphql`, with the specifications of the scalars.
pub fn sdl() -> String {
    scalars::describe(Schema::build(
        Query::default(),
        Mutation::default(),
        Subscription::default(),
    ))
    .finish()
    .sdl_with_options(SDLExportOptions::new().include_specified_by())
}

/// Per-request data: who asks and the DataLoaders that see what they may see. The request must
/// run inside the returned [`Batches::run`], which starts the DataLoaders' fetches.
pub fn request_data(
    request: async_graphql::Request,
    db: &DatabaseConnection,
    caller: Caller,
) -> (async_graphql::Request, Batches) {
    let loaders = loaders::Loaders::new(db.clone(), Visibility::of(&caller), MatchmakingVisibility::of(&caller))
        .with_posts(PostVisibility::of(&caller))
        .with_stories(StoryVisibility::of(&caller))
        .with_principal(caller.principal().cloned());
    let batches = Batches::default();
    let parked = batches.clone();
    // No delay: the fetches wait for the request to be idle (see batching.rs), not for a timer.
    // They log in the request's span, so an internal error shows its request id.
    let loader = DataLoader::new(loaders, move |load| {
        parked.park(Box::pin(tracing::Instrument::in_current_span(load)))
    })
    .delay(Duration::ZERO);
    (request.data(caller).data(loader), batches)
}

/// Per-subscription data: who subscribes and DataLoaders that see what it may see. A
/// subscription outlives any one poll, so its fetches are spawned rather than parked as a
/// request's are (see [`request_data`]); the loaders keep no cache, so every notification reads
/// the records afresh.
pub fn subscription_data(
    request: async_graphql::Request,
    db: &DatabaseConnection,
    caller: Caller,
) -> async_graphql::Request {
    let loaders = loaders::Loaders::new(db.clone(), Visibility::of(&caller), MatchmakingVisibility::of(&caller))
        .with_principal(caller.principal().cloned());
    let loader = DataLoader::new(loaders, tokio::spawn);
    request.data(caller).data(loader)
}
