//! What every request handler shares, and the endpoint's share of the settings.

use std::time::Duration;

use sea_orm::DatabaseConnection;

use super::{
    client_address::TrustedProxies,
    documents::Documents,
    limits::Budgets,
    live::{LiveSettings, Sockets},
};
use crate::{
    auth::TokenService,
    domain::{account::Revocations, notification::Hub, throttle::ThrottleLimits},
    graphql::{self, ClusterSchema},
};

pub struct AppState {
    pub schema: ClusterSchema,
    pub db: DatabaseConnection,
    pub tokens: TokenService,
    /// This process's cache of revocation checks on access tokens.
    pub revocations: Revocations,
    pub settings: EndpointSettings,
    /// This process's parsed documents.
    pub documents: Documents,
    /// Live notifications: what mutations publish and subscriptions follow.
    pub hub: Hub,
    /// This process's open subscription sockets.
    pub sockets: Sockets,
    /// Begun on SIGTERM/SIGINT: readiness answers 503 and sockets close with 1001.
    pub shutdown: crate::shutdown::Shutdown,
    /// Where queries read: the primary (`db`) alone, or its streaming replicas too.
    pub reads: crate::db::replicas::Reads,
}

impl AppState {
    /// Development defaults: introspection and GraphiQL for all, limits as documented.
    pub fn new(db: DatabaseConnection, tokens: TokenService) -> Self {
        Self::with_settings(db, tokens, EndpointSettings::default())
    }

    /// On PostgreSQL this starts the process's LISTEN connection: call it on a Tokio runtime.
    pub fn with_settings(db: DatabaseConnection, tokens: TokenService, settings: EndpointSettings) -> Self {
        let hub = Hub::for_database(&db);
        Self {
            schema: graphql::build_schema(
                db.clone(),
                tokens.clone(),
                hub.clone(),
                settings.links.clone(),
                settings.subscription,
                settings.webhooks,
                settings.production,
            ),
            hub,
            sockets: Sockets::default(),
            shutdown: Default::default(),
            reads: crate::db::replicas::Reads::primary_only(db.clone()),
            db,
            tokens,
            revocations: Revocations::new(settings.revocation_delay),
            settings,
            documents: Documents::default(),
        }
    }
}

/// The licence of the open-data export unless `EXPORT_LICENCE` names another.
pub const DEFAULT_EXPORT_LICENCE: &str = "CC-BY-4.0";

/// The GraphQL endpoint's share of the app's settings.
#[derive(Debug, Clone)]
pub struct EndpointSettings {
    pub budgets: Budgets,
    pub request_timeout: Duration,
    pub production: bool,
    /// How long a revocation may take to reach an outstanding access token on this process.
    pub revocation_delay: Duration,
    /// Failed password checks allowed per account and per address.
    pub password_throttle: ThrottleLimits,
    /// Proxies whose `Forwarded` / `X-Forwarded-For` name the client; none by default.
    pub trusted_proxies: TrustedProxies,
    /// Most automatic persisted queries kept (trusted documents do not count).
    pub persisted_query_limit: u64,
    /// The limits of subscription sockets.
    pub live: LiveSettings,
    /// The public address and the signer of the links mails carry.
    pub links: crate::auth::Links,
    /// The per-address limit on the digest's confirmation mails.
    pub subscription: crate::domain::digest::subscription::SubscriptionSettings,
    /// The bearer token `/metrics` asks for; without one it answers loopback callers in
    /// development only.
    pub metrics_token: Option<String>,
    /// How long the change feed keeps a change (the sweep deletes older ones).
    pub change_feed_retention: chrono::Duration,
    /// What webhook endpoint URLs may be, and how long a rotated-out secret still signs.
    pub webhooks: crate::webhook::WebhookRules,
    /// The licence the open-data export names (`EXPORT_LICENCE`).
    pub export_licence: String,
    /// The largest file a multipart request may carry, in bytes (`UPLOAD_MAX_BYTES`).
    pub upload_max_bytes: usize,
    /// The most files one multipart request may carry (`UPLOAD_MAX_FILES`).
    pub upload_max_files: usize,
}

impl Default for EndpointSettings {
    fn default() -> Self {
        Self {
            budgets: Default::default(),
            request_timeout: Duration::from_secs(10),
            production: false,
            revocation_delay: Duration::from_secs(5),
            password_throttle: ThrottleLimits::default(),
            trusted_proxies: TrustedProxies::default(),
            persisted_query_limit: 10_000,
            live: LiveSettings::default(),
            links: crate::auth::Links::default(),
            subscription: Default::default(),
            metrics_token: None,
            change_feed_retention: chrono::Duration::days(30),
            webhooks: Default::default(),
            export_licence: DEFAULT_EXPORT_LICENCE.into(),
            upload_max_bytes: 8 * 1024 * 1024,
            upload_max_files: 1,
        }
    }
}
