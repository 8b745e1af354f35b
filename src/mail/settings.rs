//! The mail settings: where mail goes (an SMTP server, or a folder of .eml files in
//! development), how often the sender looks, and how it backs off after a temporary failure.

use std::{path::PathBuf, time::Duration};

use clap::Args;

#[derive(Debug, Clone, Args)]
pub struct MailSettings {
    /// SMTP server: `smtp://host:port` (plain, for a relay on loopback), `smtp://host:587?tls=required`
    /// (STARTTLS) or `smtps://host:465`. Unset: mails are written to MAIL_OUT_DIR instead.
    #[arg(long, env = "SMTP_URL")]
    pub smtp_url: Option<String>,
    /// User name for the SMTP server.
    #[arg(long, env = "SMTP_USERNAME")]
    pub smtp_username: Option<String>,
    /// Password for the SMTP server.
    #[arg(long, env = "SMTP_PASSWORD", hide_env_values = true)]
    pub smtp_password: Option<String>,
    /// A file holding SMTP_PASSWORD (a mounted secret).
    #[arg(long, env = "SMTP_PASSWORD_FILE")]
    pub smtp_password_file: Option<PathBuf>,
    /// Seconds an SMTP conversation may take before it counts as a temporary failure.
    #[arg(long, env = "SMTP_TIMEOUT", default_value_t = 30)]
    pub smtp_timeout: u64,
    /// The sender of every mail.
    #[arg(
        long,
        env = "MAIL_FROM",
        default_value = "ClusterBridge <no-reply@clusterbridge.localhost>"
    )]
    pub mail_from: String,
    /// Folder the development sender writes .eml files to when SMTP_URL is unset.
    #[arg(long, env = "MAIL_OUT_DIR", default_value = "./mail-out")]
    pub mail_out_dir: PathBuf,
    /// Seconds between the server's looks at the outbox.
    #[arg(long, env = "MAIL_SEND_INTERVAL", default_value_t = 30)]
    pub mail_send_interval: u64,
    /// Mails one sender claims at a time.
    #[arg(long, env = "MAIL_BATCH_SIZE", default_value_t = 20)]
    pub mail_batch_size: u32,
    /// Seconds a claimed mail stays with its sender; after that another sender may take it.
    #[arg(long, env = "MAIL_LEASE", default_value_t = 300)]
    pub mail_lease: u64,
    /// Seconds before the first retry after a temporary failure.
    #[arg(long, env = "MAIL_RETRY_BASE", default_value_t = 60)]
    pub mail_retry_base: u64,
    /// Each further retry waits this many times longer.
    #[arg(long, env = "MAIL_RETRY_FACTOR", default_value_t = 2)]
    pub mail_retry_factor: u32,
    /// Longest wait between retries, in seconds.
    #[arg(long, env = "MAIL_RETRY_CAP", default_value_t = 3600)]
    pub mail_retry_cap: u64,
    /// Attempts after which a mail that keeps failing temporarily is FAILED.
    #[arg(long, env = "MAIL_MAX_ATTEMPTS", default_value_t = 8)]
    pub mail_max_attempts: u32,
}

pub use crate::outbox::Backoff;

impl MailSettings {
    pub fn backoff(&self) -> Backoff {
        Backoff {
            base: Duration::from_secs(self.mail_retry_base),
            factor: self.mail_retry_factor,
            cap: Duration::from_secs(self.mail_retry_cap),
            max_attempts: self.mail_max_attempts.max(1),
            // No jitter: a sender's batch is small and mails fail at different times, and a
            // deterministic delay keeps the tests exact.
            jitter: false,
        }
    }
}
