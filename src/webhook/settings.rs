//! The webhook settings: how the sender paces, retries and times out deliveries, when it gives
//! up on an endpoint, and which addresses it may reach.

use std::time::Duration;

use clap::Args;

use crate::outbox::Backoff;

#[derive(Debug, Clone, Args)]
pub struct WebhookSettings {
    /// Seconds one delivery (connect, send, answer) may take before it counts as failed.
    #[arg(long, env = "WEBHOOK_TIMEOUT", default_value_t = 10)]
    pub webhook_timeout: u64,
    /// Seconds between the server's looks at the webhook deliveries.
    #[arg(long, env = "WEBHOOK_SEND_INTERVAL", default_value_t = 10)]
    pub webhook_send_interval: u64,
    /// Deliveries one sender claims at a time.
    #[arg(long, env = "WEBHOOK_BATCH_SIZE", default_value_t = 20)]
    pub webhook_batch_size: u32,
    /// Seconds a claimed delivery stays with its sender; after that another sender may take it.
    #[arg(long, env = "WEBHOOK_LEASE", default_value_t = 300)]
    pub webhook_lease: u64,
    /// Milliseconds before the first retry of a failed delivery.
    #[arg(long, env = "WEBHOOK_RETRY_BASE_MS", default_value_t = 30_000)]
    pub webhook_retry_base_ms: u64,
    /// Each further retry waits this many times longer (before jitter).
    #[arg(long, env = "WEBHOOK_RETRY_FACTOR", default_value_t = 2)]
    pub webhook_retry_factor: u32,
    /// Longest wait between retries, in seconds.
    #[arg(long, env = "WEBHOOK_RETRY_CAP", default_value_t = 21_600)]
    pub webhook_retry_cap: u64,
    /// Attempts after which a delivery that keeps failing is FAILED.
    #[arg(long, env = "WEBHOOK_MAX_ATTEMPTS", default_value_t = 12)]
    pub webhook_max_attempts: u32,
    /// Seconds an endpoint may fail without a success in between before it is disabled and its
    /// partner organisation mailed.
    #[arg(long, env = "WEBHOOK_DISABLE_AFTER", default_value_t = 86_400)]
    pub webhook_disable_after: u64,
    /// Seconds a rotated-out secret still signs deliveries, beside the new one.
    #[arg(long, env = "WEBHOOK_SECRET_GRACE", default_value_t = 86_400)]
    pub webhook_secret_grace: u64,
    /// Allow `http://` endpoint URLs (development and tests); HTTPS only when false.
    #[arg(long, env = "WEBHOOK_ALLOW_HTTP", default_value_t = false, action = clap::ArgAction::Set)]
    pub webhook_allow_http: bool,
    /// Allow endpoints on private, loopback, link-local and other non-public addresses
    /// (development and tests). Checked after DNS resolution.
    #[arg(long, env = "WEBHOOK_ALLOW_PRIVATE_ADDRESSES", default_value_t = false, action = clap::ArgAction::Set)]
    pub webhook_allow_private_addresses: bool,
}

/// What an endpoint's URL may be, checked at registration and again at each delivery.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct AddressRules {
    pub allow_http: bool,
    pub allow_private: bool,
}

/// The webhook rules the GraphQL mutations need: the URL rules and the rotation grace.
#[derive(Debug, Clone, Copy)]
pub struct WebhookRules {
    pub addresses: AddressRules,
    pub secret_grace: Duration,
}

impl Default for WebhookRules {
    fn default() -> Self {
        Self {
            addresses: AddressRules::default(),
            secret_grace: Duration::from_secs(86_400),
        }
    }
}

impl WebhookSettings {
    pub fn rules(&self) -> WebhookRules {
        WebhookRules {
            addresses: AddressRules {
                allow_http: self.webhook_allow_http,
                allow_private: self.webhook_allow_private_addresses,
            },
            secret_grace: Duration::from_secs(self.webhook_secret_grace),
        }
    }

    pub fn backoff(&self) -> Backoff {
        Backoff {
            base: Duration::from_millis(self.webhook_retry_base_ms),
            factor: self.webhook_retry_factor,
            cap: Duration::from_secs(self.webhook_retry_cap),
            max_attempts: self.webhook_max_attempts.max(1),
            jitter: true,
        }
    }

    /// The settings that must not be zero, by name.
    pub fn nonzero(&self) -> [(&'static str, u64); 5] {
        [
            ("WEBHOOK_TIMEOUT", self.webhook_timeout),
            ("WEBHOOK_SEND_INTERVAL", self.webhook_send_interval),
            ("WEBHOOK_BATCH_SIZE", u64::from(self.webhook_batch_size)),
            ("WEBHOOK_LEASE", self.webhook_lease),
            ("WEBHOOK_MAX_ATTEMPTS", u64::from(self.webhook_max_attempts)),
        ]
    }
}
