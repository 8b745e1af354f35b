//! E-mail verification: a self-registered account proves it reads mail at its address by opening
//! a mailed link. Until then its access tokens say so (`email_verified: false`) and
//! `policy::may_see_contact` keeps cluster contact details from it.
//!
//! The link is bound to the address and to its verification time, so it works once and dies
//! when either changes. A verification reaches the caller's access token at its next refresh or
//! sign-in, like a granted role: at most the access token's lifetime (15 minutes) later.

use chrono::{Duration, Utc};
use entity::user;
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, TransactionSession, TransactionTrait,
};

use super::{find_user, mail_language, own_user, principal_of};
use crate::{
    auth::{LinkPurpose, Links, Principal},
    domain::{
        audit::{self, AuditAction, AuditEntityType, Entry},
        throttle::{PasswordGuard, Target},
    },
    error::{AppError, AppResult, Refusal},
    mail::{account_mail, enqueue},
};

/// How long a verification link works.
pub const VERIFICATION_LINK_TTL: Duration = Duration::hours(48);

/// What a verification link is bound to: the address, and whether (when) it was verified.
fn stamp(user: &user::Model) -> String {
    let verified = user.email_verified_at.map(|at| at.timestamp_micros().to_string());
    format!("{}|{}", user.email, verified.unwrap_or_default())
}

/// Queues the verification mail of `user` in the caller's transaction.
pub(super) async fn queue<C: ConnectionTrait>(txn: &C, links: &Links, user: &user::Model) -> AppResult<()> {
    let token = links.issue(
        LinkPurpose::VerifyEmail,
        user.id,
        &stamp(user),
        VERIFICATION_LINK_TTL,
        Utc::now(),
    );
    let mail = account_mail::verification(
        links,
        mail_language(user),
        &user.email,
        &user.display_name,
        &token,
        VERIFICATION_LINK_TTL.num_hours(),
    )?;
    enqueue(txn, mail).await?;
    Ok(())
}

/// Mails the signed-in person a new verification link; false when the address is verified
/// already (then nothing is sent). At most [`crate::domain::throttle::MAIL_LIMITS`] per account
/// and per client in a window.
pub async fn request_email_verification<C: TransactionTrait + ConnectionTrait>(
    db: &C,
    links: &Links,
    guard: &PasswordGuard,
    actor: &Principal,
) -> AppResult<bool> {
    let user_id = own_user(actor)?;
    let user = find_user(db, user_id)
        .await?
        .ok_or_else(|| AppError::Unauthenticated("no such account".into()))?;
    if user.email_verified_at.is_some() {
        return Ok(false);
    }
    guard
        .for_mail()
        .begin(db, Target::Mail("verification", &user.email))
        .await?;
    let txn = crate::db::begin_write(db).await?;
    queue(&txn, links, &user).await?;
    txn.commit().await?;
    Ok(true)
}

/// Marks the address of the link's account verified. Needs no sign-in: the link is the proof,
/// and it may be opened on another device than the one signed in.
pub async fn verify_email<C: TransactionTrait + ConnectionTrait>(
    db: &C,
    links: &Links,
    token: &str,
) -> AppResult<user::Model> {
    let refused = |why: &dyn std::fmt::Display| {
        tracing::info!(%why, "verification link refused");
        AppError::Refused(Refusal::LinkInvalid)
    };
    let user_id = links
        .subject(LinkPurpose::VerifyEmail, token)
        .map_err(|e| refused(&e))?;
    let Some(user) = find_user(db, user_id).await? else {
        return Err(refused(&"no such account"));
    };
    links
        .verify(LinkPurpose::VerifyEmail, token, &stamp(&user), Utc::now())
        .map_err(|e| refused(&e))?;
    let now = Utc::now();
    let txn = crate::db::begin_write(db).await?;
    // Only if nobody verified it meanwhile: the second of two clicks is a used link.
    let verified = user::Entity::update_many()
        .set(user::ActiveModel {
            email_verified_at: Set(Some(now)),
            updated_at: Set(now),
            ..Default::default()
        })
        .filter(user::Column::Id.eq(user.id))
        .filter(user::Column::Email.eq(&user.email))
        .filter(user::Column::EmailVerifiedAt.is_null())
        .exec(&txn)
        .await?;
    if verified.rows_affected != 1 {
        return Err(refused(&"verified meanwhile"));
    }
    let actor = principal_of(&txn, &user).await?;
    let entry = Entry {
        entity_type: AuditEntityType::User,
        entity_id: user.id,
        action: AuditAction::VerifyEmail,
        changed_fields: vec!["emailVerified"],
        country: None,
    };
    audit::record(&txn, &actor, entry).await?;
    txn.commit().await?;
    Ok(user::Model {
        email_verified_at: Some(now),
        updated_at: now,
        ..user
    })
}
