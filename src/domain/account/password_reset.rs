//! Password reset by a mailed link. Asking answers the same whether or not an account has the
//! address, and does the same work either way (a link made, a mail rendered and written in a
//! committed transaction; for an unknown address the mail is deleted again before the commit), so
//! neither the answer nor its timing tells who has an account. The link works for an hour and once: it is
//! bound to the password hash, which the reset (or any other password change) replaces.

use chrono::{Duration, Utc};
use entity::{outbox_mail, user};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, TransactionSession, TransactionTrait,
};
use uuid::Uuid;

use super::{find_user, find_user_by_email, mail_language, normalise_email, principal_of, session};
use crate::{
    auth::{password, LinkPurpose, Links},
    domain::{
        audit::{self, AuditAction, AuditEntityType, Entry},
        throttle::{PasswordGuard, Target},
        validation::Checker,
    },
    error::{AppError, AppResult, Refusal},
    mail::{account_mail, enqueue},
};

/// How long a reset link works.
pub const RESET_LINK_TTL: Duration = Duration::hours(1);

/// What the link of an unknown address is bound to; any string does, the link is never sent.
const NO_ACCOUNT_STAMP: &str = "$argon2id$v=19$m=19456,t=2,p=1$no-account$no-account-no-account";

/// Queues a reset link for the account with `email`, if there is one. At most
/// [`crate::domain::throttle::MAIL_LIMITS`] per address asked for and per client in a window,
/// known or not.
pub async fn request_password_reset<C: TransactionTrait + ConnectionTrait>(
    db: &C,
    links: &Links,
    guard: &PasswordGuard,
    email: &str,
) -> AppResult<()> {
    let mut check = Checker::new();
    let email = normalise_email(&mut check, "email", email);
    check.finish()?;
    guard
        .for_mail()
        .begin(db, Target::Mail("password-reset", &email))
        .await?;
    let user = find_user_by_email(db, &email).await?;
    let (subject, stamp, language) = match &user {
        Some(user) => (user.id, user.password_hash.as_str(), mail_language(user)),
        None => (Uuid::now_v7(), NO_ACCOUNT_STAMP, account_mail::MailLanguage::English),
    };
    let token = links.issue(LinkPurpose::ResetPassword, subject, stamp, RESET_LINK_TTL, Utc::now());
    let mail = account_mail::password_reset(links, language, &email, &token, RESET_LINK_TTL.num_minutes())?;
    let txn = crate::db::begin_write(db).await?;
    // Both paths run the same statements, so neither answers sooner: for an account, reset mails
    // still waiting in the outbox are dropped before the new one goes in (its link works as
    // well as theirs); for no account, the one mail is dropped again right after it went in — a
    // commit that wrote nothing is measurably quicker (8 ms of 65 on SQLite) and would tell.
    if user.is_some() {
        drop_waiting_resets(&txn, &email).await?;
        enqueue(&txn, mail).await?;
    } else {
        enqueue(&txn, mail).await?;
        drop_waiting_resets(&txn, &email).await?;
    }
    txn.commit().await?;
    Ok(())
}

/// Deletes the reset mails to `email` not yet taken by a sender.
async fn drop_waiting_resets(txn: &impl ConnectionTrait, email: &str) -> AppResult<()> {
    outbox_mail::Entity::delete_many()
        .filter(outbox_mail::Column::Purpose.eq(outbox_mail::MailPurpose::PasswordReset))
        .filter(outbox_mail::Column::Recipient.eq(email))
        .filter(outbox_mail::Column::Status.eq(outbox_mail::MailStatus::Queued))
        .exec(txn)
        .await?;
    Ok(())
}

/// Sets a new password with a reset link and ends every sign-in of the account. Every bad link
/// (forged, expired, used, for another purpose or a vanished account) is LINK_INVALID alike.
pub async fn reset_password<C: TransactionTrait + ConnectionTrait>(
    db: &C,
    links: &Links,
    token: &str,
    new_password: &str,
) -> AppResult<()> {
    let refused = |why: &dyn std::fmt::Display| {
        tracing::info!(%why, "password reset link refused");
        AppError::Refused(Refusal::LinkInvalid)
    };
    let user_id = links
        .subject(LinkPurpose::ResetPassword, token)
        .map_err(|e| refused(&e))?;
    let Some(user) = find_user(db, user_id).await? else {
        return Err(refused(&"no such account"));
    };
    links
        .verify(LinkPurpose::ResetPassword, token, &user.password_hash, Utc::now())
        .map_err(|e| refused(&e))?;
    let mut check = Checker::new();
    if let Some(why) = password::weakness(new_password) {
        check.fail("newPassword", why);
    }
    check.finish()?;
    let hash = password::hash(new_password)?;
    let now = Utc::now();
    let txn = crate::db::begin_write(db).await?;
    // Only over the hash the link was made for: of two uses at once, the second finds it changed.
    let changed = user::Entity::update_many()
        .set(user::ActiveModel {
            password_hash: Set(hash),
            // The link came to the address, which proves it.
            email_verified_at: Set(Some(user.email_verified_at.unwrap_or(now))),
            updated_at: Set(now),
            ..Default::default()
        })
        .filter(user::Column::Id.eq(user.id))
        .filter(user::Column::PasswordHash.eq(&user.password_hash))
        .exec(&txn)
        .await?;
    if changed.rows_affected != 1 {
        return Err(refused(&"password changed meanwhile"));
    }
    session::sign_out_everywhere(&txn, user.id).await?;
    let actor = principal_of(&txn, &user).await?;
    let entry = Entry {
        entity_type: AuditEntityType::User,
        entity_id: user.id,
        action: AuditAction::ResetPassword,
        changed_fields: vec!["password"],
        country: None,
    };
    audit::record(&txn, &actor, entry).await?;
    txn.commit().await?;
    Ok(())
}
