//! The password-guessing throttle: every check of a password or a key's secret is counted per
//! account (or key) and per client address in the database, so all replicas share one count.
//!
//! An attempt writes its rows *before* the password is checked and counts the others after, so
//! parallel requests cannot all slip under the limit: the k-th row written sees at least k − 1
//! others. A failure leaves its rows for the window; a success removes the account's rows (the
//! count starts over) and its own address row; a refused attempt removes its rows, so waiting out
//! the window is enough. Every attempt also sweeps the rows that left the window.

use std::time::Duration;

use chrono::Utc;
use entity::password_attempt;
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect,
};
use uuid::Uuid;

use crate::error::{AppError, AppResult};

/// How many failed checks a window allows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ThrottleLimits {
    /// Failures per account (or API key) in the window, from any address.
    pub per_account: u64,
    /// Failures per client address in the window, whatever the accounts.
    pub per_address: u64,
    pub window: Duration,
}

impl Default for ThrottleLimits {
    fn default() -> Self {
        Self {
            per_account: 10,
            per_address: 50,
            window: Duration::from_secs(15 * 60),
        }
    }
}

/// Mails a request may make the service send (a reset link, a verification link), per address
/// mailed and per client, counted by the same rows as password checks under names of their own:
/// asking for mails does not lock anyone out of signing in, nor the reverse.
pub const MAIL_LIMITS: ThrottleLimits = ThrottleLimits {
    per_account: 3,
    per_address: 20,
    window: Duration::from_secs(15 * 60),
};

/// Request data: the limits and the client address that password checks are counted against.
#[derive(Debug, Clone)]
pub struct PasswordGuard {
    pub limits: ThrottleLimits,
    pub address: String,
}

impl Default for PasswordGuard {
    fn default() -> Self {
        Self {
            limits: ThrottleLimits::default(),
            address: "unknown".into(),
        }
    }
}

/// What a password check is about: an account by its e-mail address, or an API key by its prefix.
#[derive(Clone, Copy)]
pub enum Target<'a> {
    Account(&'a str),
    Key(&'a str),
    /// Nothing to name (a key that does not parse): counted per address only.
    Nobody,
    /// A mail of `kind` (e.g. `password-reset`) asked for an e-mail address; counted apart from
    /// password checks. Use with [`PasswordGuard::for_mail`].
    Mail(&'static str, &'a str),
}

/// A password check under way; say how it ended with [`Attempt::succeeded`].
pub struct Attempt {
    id: Uuid,
    account: Option<String>,
    address: String,
}

impl PasswordGuard {
    /// The same client, under [`MAIL_LIMITS`].
    pub fn for_mail(&self) -> Self {
        Self {
            limits: MAIL_LIMITS,
            address: self.address.clone(),
        }
    }

    /// Counts a password check before it runs. Over a limit: RATE_LIMITED, with the wait until the
    /// oldest failure that keeps it over leaves the window; the password is then not checked at
    /// all, so the answer and its timing are the same whether the account exists or not.
    pub async fn begin<C: ConnectionTrait>(&self, db: &C, target: Target<'_>) -> AppResult<Attempt> {
        let now = Utc::now();
        let window = chrono::Duration::from_std(self.limits.window).map_err(AppError::internal)?;
        let since = now - window;
        password_attempt::Entity::delete_many()
            .filter(password_attempt::Column::AttemptedAt.lt(since))
            .exec(db)
            .await?;
        let account = match target {
            // E-mail addresses are case-insensitive, so their counts must be too.
            Target::Account(email) => Some(format!("account:{}", email.trim().to_lowercase())),
            Target::Key(prefix) => Some(format!("key:{prefix}")),
            Target::Nobody => None,
            Target::Mail(kind, email) => Some(format!("{kind}:{}", email.trim().to_lowercase())),
        };
        let address = match target {
            Target::Mail(kind, _) => format!("{kind}-address:{}", self.address),
            _ => format!("address:{}", self.address),
        };
        let attempt = Attempt {
            id: Uuid::now_v7(),
            account,
            address,
        };
        let mut checks = vec![(attempt.address.clone(), self.limits.per_address)];
        if let Some(account) = &attempt.account {
            checks.push((account.clone(), self.limits.per_account));
        }
        password_attempt::Entity::insert_many(checks.iter().map(|(subject, _)| password_attempt::ActiveModel {
            id: Set(attempt.id),
            subject: Set(subject.clone()),
            attempted_at: Set(now),
        }))
        .exec(db)
        .await?;
        let mut wait = Duration::ZERO;
        for (subject, limit) in &checks {
            if let Some(until) = self.blocked_until(db, subject, *limit, attempt.id, since).await? {
                wait = wait.max((until + window - now).to_std().unwrap_or(Duration::from_secs(1)));
            }
        }
        if wait > Duration::ZERO {
            attempt.forget(db).await?;
            metrics::counter!(crate::observability::metrics::THROTTLE_REFUSALS).increment(1);
            return Err(AppError::RateLimited { retry_after: wait });
        }
        Ok(attempt)
    }

    /// When the others' attempts on `subject` are `limit` or more: the time of the newest one
    /// that must leave the window before an attempt fits.
    async fn blocked_until<C: ConnectionTrait>(
        &self,
        db: &C,
        subject: &str,
        limit: u64,
        own: Uuid,
        since: chrono::DateTime<Utc>,
    ) -> AppResult<Option<chrono::DateTime<Utc>>> {
        let others = || {
            password_attempt::Entity::find()
                .filter(password_attempt::Column::Subject.eq(subject))
                .filter(password_attempt::Column::AttemptedAt.gte(since))
                .filter(password_attempt::Column::Id.ne(own))
        };
        if others().count(db).await? < limit.max(1) {
            return Ok(None);
        }
        let row = others()
            .order_by_desc(password_attempt::Column::AttemptedAt)
            .offset(limit.max(1) - 1)
            .one(db)
            .await?;
        Ok(row.map(|r| r.attempted_at))
    }
}

impl Attempt {
    /// The password was right: the account's failures are forgiven, and this check was no failure.
    pub async fn succeeded<C: ConnectionTrait>(self, db: &C) -> AppResult<()> {
        if let Some(account) = &self.account {
            password_attempt::Entity::delete_many()
                .filter(password_attempt::Column::Subject.eq(account.as_str()))
                .exec(db)
                .await?;
        }
        self.forget(db).await
    }

    async fn forget<C: ConnectionTrait>(&self, db: &C) -> AppResult<()> {
        password_attempt::Entity::delete_many()
            .filter(password_attempt::Column::Id.eq(self.id))
            .exec(db)
            .await?;
        Ok(())
    }
}
