//! Settings from the command line, the environment or a TOML file (see [`source`]), with defaults
//! that run out of the box, and every check they must pass before the service starts.
//!
//! Long because clap's `Args` struct is the one list of settings (the README table is checked
//! against it), and the checks sit beside the fields they read so that `config check` and `serve`
//! report every problem from one pass; where settings come from is in [`source`].

pub mod source;

use std::{net::SocketAddr, time::Duration};

use clap::Args;

use crate::{
    auth::{PartnerIdp, PartnerIdpError, TokenService},
    http::{
        client_address::TrustedProxies, limits::Budgets, live::LiveSettings, rate_limit::RateLimits, EndpointSettings,
    },
    observability::logging::LogFormat,
};

pub const DEFAULT_DATABASE_URL: &str = "sqlite://data/eccp.db?mode=rwc";
/// Only for local development; production refuses to start with it.
pub const DEVELOPMENT_JWT_SECRET: &str = "clusterbridge-development-secret-change-me";

/// Settings the service refuses to start with.
#[derive(Debug, thiserror::Error)]
pub enum SettingsError {
    #[error("PUBLIC_BASE_URL must be an http or https URL without a query, e.g. https://clusters.example.org")]
    PublicBaseUrl,
    #[error("JWT_SECRET must be set in production")]
    DevelopmentSecretInProduction,
    #[error("JWT_SECRET must be at least 32 bytes")]
    ShortSecret,
    #[error("JWT_RETIRED_KEYS: use kid=secret pairs")]
    RetiredKeyPair,
    #[error("JWT_RETIRED_KEYS: the key {0} is shorter than 32 bytes")]
    ShortRetiredKey(String),
    #[error("PARTNER_IDP_PUBLIC_KEY {path}: {source}")]
    PartnerIdpKeyFile {
        path: std::path::PathBuf,
        source: std::io::Error,
    },
    #[error(transparent)]
    PartnerIdp(#[from] PartnerIdpError),
    #[error("set both PARTNER_IDP_ISSUER and PARTNER_IDP_PUBLIC_KEY, or neither")]
    PartnerIdpHalfSet,
    #[error("ACCESS_TOKEN_TTL must be between 60 and 86400 seconds")]
    AccessTokenTtl,
    #[error("REQUEST_TIMEOUT must be between 1 and 300 seconds")]
    RequestTimeout,
    #[error("SHUTDOWN_TIMEOUT must be between 1 and 3600 seconds, SHUTDOWN_DRAIN at most 300")]
    ShutdownTimes,
    #[error("REVOCATION_DELAY must be between 0 and 60 seconds")]
    RevocationDelay,
    #[error("TRUSTED_PROXIES: {0:?} is neither an IP address nor a CIDR range (e.g. 10.0.0.0/8)")]
    TrustedProxy(String),
    #[error("RATE_LIMIT_{0} must be at least 1 point a minute (RATE_LIMIT=off switches limits off)")]
    RateLimitZero(&'static str),
    #[error("PERSISTED_QUERY_LIMIT must be at least 1")]
    PersistedQueryLimit,
    #[error("LIVE_MAX_SOCKETS and LIVE_MAX_SUBSCRIPTIONS must be at least 1")]
    LiveLimitZero,
    #[error("METRICS_TOKEN must be at least 16 characters")]
    ShortMetricsToken,
    #[error("DATABASE_URL must be an sqlite: or postgres:// URL")]
    DatabaseUrl,
    #[error("DATABASE_REPLICA_URLS must be postgres:// URLs, comma-separated, beside a postgres:// DATABASE_URL")]
    ReplicaUrls,
    #[error("DATABASE_REPLICA_MAX_LAG must be between 1 and 3600 seconds, READ_YOUR_WRITES_WINDOW at least as long")]
    ReplicaTimes,
    #[error("{0} must be at least 1")]
    Zero(&'static str),
    #[error("CHANGE_FEED_RETENTION must be 1–3650 days")]
    ChangeFeedRetention,
    #[error(transparent)]
    Mail(#[from] crate::mail::transport::TransportError),
    #[error("CLUSTERBRIDGE_CONFIG {path}: {source}")]
    ConfigFile {
        path: std::path::PathBuf,
        source: std::io::Error,
    },
    #[error("CLUSTERBRIDGE_CONFIG {path} is not TOML: {message}")]
    ConfigSyntax { path: std::path::PathBuf, message: String },
    #[error("the config file has no setting {key:?}{}", suggestion.as_ref().map(|s| format!(" (did you mean {s:?}?)")).unwrap_or_default())]
    UnknownKey { key: String, suggestion: Option<String> },
    #[error("{name} in the config file: {message}")]
    FileValue { name: String, message: String },
    #[error("set {0} or {0}_FILE, not both")]
    BothSet(String),
    #[error("{name} {path}: {source}")]
    SecretFile {
        name: String,
        path: std::path::PathBuf,
        source: std::io::Error,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Environment {
    Development,
    Production,
}

#[derive(Debug, Clone, Args)]
pub struct Settings {
    /// A TOML file of settings: lower-case keys named as the variables (`database_url = "…"`).
    /// The environment and flags win over it.
    #[arg(long, env = "CLUSTERBRIDGE_CONFIG", global = true)]
    pub config: Option<std::path::PathBuf>,
    /// Database to use: an SQLite file (created on first start) or a PostgreSQL URL.
    #[arg(long, env = "DATABASE_URL", default_value = DEFAULT_DATABASE_URL)]
    pub database_url: String,
    /// A file holding DATABASE_URL (a mounted secret).
    #[arg(long, env = "DATABASE_URL_FILE")]
    pub database_url_file: Option<std::path::PathBuf>,
    /// Address the HTTP server listens on.
    #[arg(long, env = "LISTEN_ADDR", default_value = "127.0.0.1:8080")]
    pub listen_addr: SocketAddr,
    /// Where users reach the service, for the links in mails (confirm, unsubscribe, verify, reset).
    #[arg(long, env = "PUBLIC_BASE_URL", default_value = "http://127.0.0.1:8080")]
    pub public_base_url: String,
    /// Secret for HS256 access tokens (the signing key of mailed links is derived from it too).
    #[arg(long, env = "JWT_SECRET", default_value = DEVELOPMENT_JWT_SECRET, hide_env_values = true)]
    pub jwt_secret: String,
    /// A file holding JWT_SECRET (a mounted secret).
    #[arg(long, env = "JWT_SECRET_FILE")]
    pub jwt_secret_file: Option<std::path::PathBuf>,
    /// `production` refuses the development JWT secret and never loads demo data by itself.
    #[arg(long, env = "CLUSTERBRIDGE_ENV", value_enum, default_value = "development")]
    pub environment: Environment,
    /// Name (`kid`) of the key that signs new access tokens.
    #[arg(long, env = "JWT_KEY_ID", default_value = "primary")]
    pub jwt_key_id: String,
    /// Retired keys that still verify tokens they signed: `kid=secret,kid2=secret2`.
    #[arg(long, env = "JWT_RETIRED_KEYS", default_value = "", hide_env_values = true)]
    pub jwt_retired_keys: String,
    /// A file holding JWT_RETIRED_KEYS (a mounted secret).
    #[arg(long, env = "JWT_RETIRED_KEYS_FILE")]
    pub jwt_retired_keys_file: Option<std::path::PathBuf>,
    /// Lifetime of access tokens in seconds.
    #[arg(long, env = "ACCESS_TOKEN_TTL", default_value_t = 900)]
    pub access_token_ttl: u64,
    /// Issuer (`iss`) of a partner's identity provider whose tokens are accepted.
    #[arg(long, env = "PARTNER_IDP_ISSUER")]
    pub partner_idp_issuer: Option<String>,
    /// Its algorithm: RS256 or EdDSA.
    #[arg(long, env = "PARTNER_IDP_ALGORITHM", default_value = "RS256")]
    pub partner_idp_algorithm: String,
    /// Path of its public key (PEM).
    #[arg(long, env = "PARTNER_IDP_PUBLIC_KEY")]
    pub partner_idp_public_key: Option<std::path::PathBuf>,
    /// Countries its tokens may act for, comma-separated (e.g. `TW`).
    #[arg(long, env = "PARTNER_IDP_COUNTRIES", default_value = "")]
    pub partner_idp_countries: String,
    /// Origins allowed to call the API from a browser, comma-separated (none by default).
    #[arg(long, env = "CORS_ALLOWED_ORIGINS", default_value = "")]
    pub cors_allowed_origins: String,
    /// Longest a request may run, in seconds; its database work is cancelled after that.
    #[arg(long, env = "REQUEST_TIMEOUT", default_value_t = 10)]
    pub request_timeout: u64,
    /// Seconds requests in flight may take to finish once shutdown begins (SIGTERM/SIGINT);
    /// then they are cut and the process exits.
    #[arg(long, env = "SHUTDOWN_TIMEOUT", default_value_t = 30)]
    pub shutdown_timeout: u64,
    /// Seconds between readiness turning 503 and the listener closing on shutdown, for a proxy
    /// or load balancer to notice and stop sending here.
    #[arg(long, env = "SHUTDOWN_DRAIN", default_value_t = 0)]
    pub shutdown_drain: u64,
    /// Seconds a process may trust its last look at a token's revocation state: the longest a
    /// signed-out, demoted or revoked access token still works.
    #[arg(long, env = "REVOCATION_DELAY", default_value_t = 5)]
    pub revocation_delay: u64,
    /// `on` or `off` (for benchmarks); anything else stops the server at start.
    #[arg(long, env = "RATE_LIMIT", default_value = "on", value_parser = ["on", "off"])]
    pub rate_limit: String,
    /// Cost points per minute for anonymous callers (per address).
    #[arg(long, env = "RATE_LIMIT_ANONYMOUS", default_value_t = 50_000)]
    pub rate_limit_anonymous: u64,
    /// Cost points per minute for a signed-in user.
    #[arg(long, env = "RATE_LIMIT_USER", default_value_t = 250_000)]
    pub rate_limit_user: u64,
    /// Cost points per minute for a partner system's API key.
    #[arg(long, env = "RATE_LIMIT_API_KEY", default_value_t = 1_000_000)]
    pub rate_limit_api_key: u64,
    /// Cost points per minute from one client address, whoever signs in there.
    #[arg(long, env = "RATE_LIMIT_PER_ADDRESS", default_value_t = 1_000_000)]
    pub rate_limit_per_address: u64,
    /// Reverse proxies whose `Forwarded` / `X-Forwarded-For` headers name the client: addresses
    /// or CIDR ranges, comma-separated (none by default: the peer is the client).
    #[arg(long, env = "TRUSTED_PROXIES", default_value = "")]
    pub trusted_proxies: String,
    /// The licence the open-data export (`/export/…`, `clusterbridge export`) names.
    #[arg(long, env = "EXPORT_LICENCE", default_value = crate::http::state::DEFAULT_EXPORT_LICENCE)]
    pub export_licence: String,
    /// The largest file one GraphQL multipart request (`importClusters`) may upload, in bytes.
    #[arg(long, env = "UPLOAD_MAX_BYTES", default_value_t = 8 * 1024 * 1024)]
    pub upload_max_bytes: usize,
    /// The most files one GraphQL multipart request may upload.
    #[arg(long, env = "UPLOAD_MAX_FILES", default_value_t = 1)]
    pub upload_max_files: usize,
    /// Most automatic persisted queries kept; the least recently used go first.
    #[arg(long, env = "PERSISTED_QUERY_LIMIT", default_value_t = 10_000)]
    pub persisted_query_limit: u64,
    /// Subscription sockets (WebSocket on /graphql) one process keeps open at most.
    #[arg(long, env = "LIVE_MAX_SOCKETS", default_value_t = 1_000)]
    pub live_max_sockets: usize,
    /// Subscriptions one socket runs at once at most.
    #[arg(long, env = "LIVE_MAX_SUBSCRIPTIONS", default_value_t = 10)]
    pub live_max_subscriptions: usize,
    /// Seconds to wait for a database connection before failing the request.
    #[arg(long, env = "DATABASE_ACQUIRE_TIMEOUT", default_value_t = 2)]
    pub database_acquire_timeout: u64,
    /// Whether `serve` brings the schema up to date at start (under a lock, so replicas starting
    /// together migrate once): `auto` does in development and not in production, where `serve`
    /// refuses a schema that is behind and `clusterbridge migrate` runs first; `on` or `off`.
    #[arg(long, env = "MIGRATE_ON_START", default_value = "auto", value_parser = ["auto", "on", "off"])]
    pub migrate_on_start: String,
    /// PostgreSQL streaming replicas that queries read from, comma-separated (none by default:
    /// everything on DATABASE_URL).
    #[arg(long, env = "DATABASE_REPLICA_URLS", default_value = "", hide_env_values = true)]
    pub database_replica_urls: String,
    /// A file holding DATABASE_REPLICA_URLS (a mounted secret).
    #[arg(long, env = "DATABASE_REPLICA_URLS_FILE")]
    pub database_replica_urls_file: Option<std::path::PathBuf>,
    /// Seconds a replica may be behind the primary before reads skip it.
    #[arg(long, env = "DATABASE_REPLICA_MAX_LAG", default_value_t = 10)]
    pub database_replica_max_lag: u64,
    /// Seconds after a write during which the writer (its subject, else its address) reads only
    /// from the primary or a replica that has replayed the write; at least DATABASE_REPLICA_MAX_LAG.
    #[arg(long, env = "READ_YOUR_WRITES_WINDOW", default_value_t = 15)]
    pub read_your_writes_window: u64,
    /// Maximum connections in the database pool.
    #[arg(long, env = "DATABASE_MAX_CONNECTIONS", default_value_t = 10)]
    pub database_max_connections: u32,
    /// Minutes between two confirmation mails to one address: subscribing again sooner changes
    /// nothing and mails nothing (and answers the same).
    #[arg(long, env = "DIGEST_CONFIRMATION_INTERVAL", default_value_t = 10)]
    pub digest_confirmation_interval: u32,
    /// Days (1–3650) the change feed keeps a change; a cursor older than that is refused with
    /// CURSOR_EXPIRED.
    #[arg(long, env = "CHANGE_FEED_RETENTION", default_value_t = 30)]
    pub change_feed_retention: u32,
    /// Log lines as `json` or `text` (default: text in development, json in production).
    #[arg(long, env = "LOG_FORMAT", value_enum)]
    pub log_format: Option<LogFormat>,
    /// Base URL of an OTLP/HTTP collector (e.g. `http://127.0.0.1:4318`): spans are exported to
    /// its `/v1/traces`. Unset: no export.
    #[arg(long, env = "OTEL_EXPORTER_OTLP_ENDPOINT")]
    pub otel_exporter_otlp_endpoint: Option<String>,
    /// Bearer token that `/metrics` asks for. Unset: open to loopback in development, closed
    /// in production.
    #[arg(long, env = "METRICS_TOKEN", hide_env_values = true)]
    pub metrics_token: Option<String>,
    /// A file holding METRICS_TOKEN (a mounted secret).
    #[arg(long, env = "METRICS_TOKEN_FILE")]
    pub metrics_token_file: Option<std::path::PathBuf>,
    #[command(flatten)]
    pub mail: crate::mail::MailSettings,
    #[command(flatten)]
    pub webhook: crate::webhook::WebhookSettings,
}

impl Settings {
    /// The keys that sign and verify access tokens, from these settings.
    pub fn token_service(&self) -> Result<TokenService, SettingsError> {
        self.validate()?;
        let retired = self.retired_keys()?;
        let partner_idp = self.partner_idp()?;
        self.check_access_token_ttl()?;
        Ok(TokenService::with_keys(
            &self.jwt_key_id,
            &self.jwt_secret,
            &retired,
            partner_idp,
            Duration::from_secs(self.access_token_ttl),
        ))
    }

    /// Every problem these settings have, not only the first: what `serve` and `config check`
    /// report before anything starts.
    pub fn problems(&self) -> Vec<SettingsError> {
        let mut problems: Vec<SettingsError> = [
            self.check_database_url(),
            self.check_public_base_url(),
            self.check_jwt_secret(),
            self.retired_keys().map(drop),
            self.partner_idp().map(drop),
            self.check_access_token_ttl(),
            self.trusted_proxies().map(drop),
            self.replica_urls().map(drop),
            self.replica_settings().map(drop),
        ]
        .into_iter()
        .filter_map(Result::err)
        .collect();
        problems.extend(self.limit_problems());
        problems.extend(self.mail_problems());
        problems.extend(
            self.webhook
                .nonzero()
                .into_iter()
                .filter(|(_, value)| *value == 0)
                .map(|(name, _)| SettingsError::Zero(name)),
        );
        problems
    }

    fn retired_keys(&self) -> Result<Vec<(String, String)>, SettingsError> {
        let mut retired = Vec::new();
        for pair in self
            .jwt_retired_keys
            .split(',')
            .map(str::trim)
            .filter(|p| !p.is_empty())
        {
            let (kid, secret) = pair.split_once('=').ok_or(SettingsError::RetiredKeyPair)?;
            if secret.len() < 32 {
                return Err(SettingsError::ShortRetiredKey(kid.to_owned()));
            }
            retired.push((kid.to_owned(), secret.to_owned()));
        }
        Ok(retired)
    }

    fn partner_idp(&self) -> Result<Option<PartnerIdp>, SettingsError> {
        match (&self.partner_idp_issuer, &self.partner_idp_public_key) {
            (Some(issuer), Some(path)) => {
                let pem = std::fs::read(path).map_err(|source| SettingsError::PartnerIdpKeyFile {
                    path: path.clone(),
                    source,
                })?;
                let countries = self
                    .partner_idp_countries
                    .split(',')
                    .map(|c| c.trim().to_ascii_uppercase())
                    .filter(|c| !c.is_empty())
                    .collect();
                Ok(Some(PartnerIdp::from_pem(
                    issuer,
                    &self.partner_idp_algorithm,
                    &pem,
                    countries,
                )?))
            }
            (None, None) => Ok(None),
            _ => Err(SettingsError::PartnerIdpHalfSet),
        }
    }

    fn check_access_token_ttl(&self) -> Result<(), SettingsError> {
        if !(60..=86_400).contains(&self.access_token_ttl) {
            return Err(SettingsError::AccessTokenTtl);
        }
        Ok(())
    }

    /// How long shutdown waits for requests in flight, and how long before it closes the
    /// listener (see `crate::shutdown`).
    pub fn shutdown_times(&self) -> Result<(Duration, Duration), SettingsError> {
        if !(1..=3600).contains(&self.shutdown_timeout) || self.shutdown_drain > 300 {
            return Err(SettingsError::ShutdownTimes);
        }
        Ok((
            Duration::from_secs(self.shutdown_timeout),
            Duration::from_secs(self.shutdown_drain),
        ))
    }

    /// The limits out of their range, each once.
    fn limit_problems(&self) -> Vec<SettingsError> {
        let mut problems = Vec::new();
        if !(1..=300).contains(&self.request_timeout) {
            problems.push(SettingsError::RequestTimeout);
        }
        if self.revocation_delay > 60 {
            problems.push(SettingsError::RevocationDelay);
        }
        for (name, value) in [
            ("ANONYMOUS", self.rate_limit_anonymous),
            ("USER", self.rate_limit_user),
            ("API_KEY", self.rate_limit_api_key),
            ("PER_ADDRESS", self.rate_limit_per_address),
        ] {
            if value == 0 {
                problems.push(SettingsError::RateLimitZero(name));
            }
        }
        if self.upload_max_bytes == 0 {
            problems.push(SettingsError::Zero("UPLOAD_MAX_BYTES"));
        }
        if self.upload_max_files == 0 {
            problems.push(SettingsError::Zero("UPLOAD_MAX_FILES"));
        }
        if self.persisted_query_limit == 0 {
            problems.push(SettingsError::PersistedQueryLimit);
        }
        if self.live_max_sockets == 0 || self.live_max_subscriptions == 0 {
            problems.push(SettingsError::LiveLimitZero);
        }
        if self.database_max_connections == 0 {
            problems.push(SettingsError::Zero("DATABASE_MAX_CONNECTIONS"));
        }
        if !(1..=3650).contains(&self.change_feed_retention) {
            problems.push(SettingsError::ChangeFeedRetention);
        }
        if let Err(problem) = self.shutdown_times() {
            problems.push(problem);
        }
        if self
            .metrics_token
            .as_ref()
            .is_some_and(|t| !t.is_empty() && t.len() < 16)
        {
            problems.push(SettingsError::ShortMetricsToken);
        }
        problems
    }

    /// What the mail sender would stumble on only at its first mail.
    fn mail_problems(&self) -> Vec<SettingsError> {
        let mail = &self.mail;
        let mut problems = Vec::new();
        // Making the mailer connects to nothing; it checks MAIL_FROM and SMTP_URL.
        if let Err(err) = crate::mail::transport::Mailer::from_settings(mail) {
            problems.push(err.into());
        }
        for (name, value) in [
            ("MAIL_BATCH_SIZE", u64::from(mail.mail_batch_size)),
            ("MAIL_SEND_INTERVAL", mail.mail_send_interval),
            ("MAIL_LEASE", mail.mail_lease),
            ("MAIL_MAX_ATTEMPTS", u64::from(mail.mail_max_attempts)),
        ] {
            if value == 0 {
                problems.push(SettingsError::Zero(name));
            }
        }
        problems
    }

    /// Whether `serve` migrates at start.
    pub fn migrates_on_start(&self) -> bool {
        match self.migrate_on_start.as_str() {
            "on" => true,
            "off" => false,
            _ => self.environment == Environment::Development,
        }
    }

    /// The read replicas' URLs, each a PostgreSQL one beside a PostgreSQL primary.
    pub fn replica_urls(&self) -> Result<Vec<String>, SettingsError> {
        let urls: Vec<String> = self
            .database_replica_urls
            .split(',')
            .map(str::trim)
            .filter(|u| !u.is_empty())
            .map(str::to_owned)
            .collect();
        let postgres = |u: &str| url::Url::parse(u).is_ok_and(|u| matches!(u.scheme(), "postgres" | "postgresql"));
        let usable = postgres(&self.database_url) && urls.iter().all(|u| postgres(u));
        if urls.is_empty() || usable {
            Ok(urls)
        } else {
            Err(SettingsError::ReplicaUrls)
        }
    }

    /// How reads are routed over the replicas.
    pub fn replica_settings(&self) -> Result<crate::db::replicas::ReplicaSettings, SettingsError> {
        let (lag, window) = (self.database_replica_max_lag, self.read_your_writes_window);
        if !(1..=3600).contains(&lag) || window < lag {
            return Err(SettingsError::ReplicaTimes);
        }
        Ok(crate::db::replicas::ReplicaSettings {
            max_lag: Duration::from_secs(lag),
            window: Duration::from_secs(window),
        })
    }

    fn trusted_proxies(&self) -> Result<TrustedProxies, SettingsError> {
        self.trusted_proxies
            .parse::<TrustedProxies>()
            .map_err(SettingsError::TrustedProxy)
    }

    /// The GraphQL endpoint's limits, from these settings.
    pub fn endpoint_settings(&self) -> Result<EndpointSettings, SettingsError> {
        if let Some(problem) = self.limit_problems().into_iter().next() {
            return Err(problem);
        }
        let metrics_token = self.metrics_token.clone().filter(|t| !t.is_empty());
        let trusted_proxies = self.trusted_proxies()?;
        let rate_limits = (self.rate_limit == "on").then_some(RateLimits {
            anonymous: self.rate_limit_anonymous,
            user: self.rate_limit_user,
            api_key: self.rate_limit_api_key,
            per_address: self.rate_limit_per_address,
        });
        Ok(EndpointSettings {
            budgets: Budgets {
                rate_limits,
                ..Budgets::default()
            },
            request_timeout: Duration::from_secs(self.request_timeout),
            production: self.environment == Environment::Production,
            revocation_delay: Duration::from_secs(self.revocation_delay),
            trusted_proxies,
            persisted_query_limit: self.persisted_query_limit,
            live: LiveSettings {
                max_sockets: self.live_max_sockets,
                max_subscriptions: self.live_max_subscriptions,
                ..LiveSettings::default()
            },
            links: crate::auth::Links::new(&self.jwt_secret, &self.public_base_url),
            subscription: crate::domain::digest::subscription::SubscriptionSettings {
                confirmation_interval: chrono::Duration::minutes(i64::from(self.digest_confirmation_interval)),
            },
            metrics_token,
            change_feed_retention: chrono::Duration::days(i64::from(self.change_feed_retention)),
            webhooks: self.webhook.rules(),
            export_licence: self.export_licence.clone(),
            upload_max_bytes: self.upload_max_bytes,
            upload_max_files: self.upload_max_files,
            ..EndpointSettings::default()
        })
    }

    /// The log format asked for, else the environment's: JSON for collectors in production.
    pub fn log_format(&self) -> LogFormat {
        self.log_format.unwrap_or(match self.environment {
            Environment::Production => LogFormat::Json,
            Environment::Development => LogFormat::Text,
        })
    }

    pub fn cors_origins(&self) -> Vec<String> {
        self.cors_allowed_origins
            .split(',')
            .map(str::trim)
            .filter(|o| !o.is_empty())
            .map(str::to_owned)
            .collect()
    }

    pub fn validate(&self) -> Result<(), SettingsError> {
        self.check_public_base_url()?;
        self.check_jwt_secret()
    }

    fn check_database_url(&self) -> Result<(), SettingsError> {
        match url::Url::parse(&self.database_url) {
            Ok(url) if matches!(url.scheme(), "sqlite" | "postgres" | "postgresql") => Ok(()),
            _ => Err(SettingsError::DatabaseUrl),
        }
    }

    fn check_public_base_url(&self) -> Result<(), SettingsError> {
        match url::Url::parse(&self.public_base_url) {
            Ok(url) if matches!(url.scheme(), "http" | "https") && url.query().is_none() && url.has_host() => Ok(()),
            _ => Err(SettingsError::PublicBaseUrl),
        }
    }

    fn check_jwt_secret(&self) -> Result<(), SettingsError> {
        if self.environment == Environment::Production && self.jwt_secret == DEVELOPMENT_JWT_SECRET {
            return Err(SettingsError::DevelopmentSecretInProduction);
        }
        if self.jwt_secret.len() < 32 {
            return Err(SettingsError::ShortSecret);
        }
        Ok(())
    }
}
