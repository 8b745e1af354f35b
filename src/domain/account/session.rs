//! Sessions: signing in, refresh tokens that rotate (a reused one revokes its whole family),
//! signing out, and a password change that ends every session. Every password check passes the
//! guessing throttle (`domain::throttle`).

use chrono::Utc;
use entity::{refresh_token, user};
use sea_orm::{
    sea_query::Expr, ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, TransactionSession,
    TransactionTrait,
};
use uuid::Uuid;

use super::{expiry, find_user, find_user_by_email, own_user, principal_of, Session, REFRESH_TTL};
use crate::{
    auth::{password, secret, Principal, Stamp, TokenService},
    domain::{
        audit::{self, AuditAction, AuditEntityType, Entry},
        throttle::{PasswordGuard, Target},
        validation::Checker,
    },
    error::{AppError, AppResult},
};

async fn start_session<C: ConnectionTrait>(
    db: &C,
    tokens: &TokenService,
    user: user::Model,
    family_id: Uuid,
) -> AppResult<Session> {
    let principal = principal_of(db, &user).await?;
    let refresh = secret::generate();
    refresh_token::Entity::insert(refresh_token::ActiveModel {
        id: Set(Uuid::now_v7()),
        user_id: Set(user.id),
        family_id: Set(family_id),
        token_hash: Set(secret::digest(&refresh)),
        expires_at: Set(expiry(REFRESH_TTL)),
        created_at: Set(Utc::now()),
        rotated_at: Set(None),
        revoked_at: Set(None),
    })
    .exec(db)
    .await?;
    // The stamp lets a sign-out end this session's access tokens, and a newer generation all of them.
    let stamp = Stamp {
        session: Some(family_id),
        generation: user.token_generation,
    };
    Ok(Session {
        access_token: tokens.issue_stamped(&principal, tokens.access_ttl, stamp)?,
        refresh_token: refresh,
        expires_in: tokens.access_ttl.as_secs(),
        user,
    })
}

pub async fn login<C: TransactionTrait + ConnectionTrait>(
    db: &C,
    tokens: &TokenService,
    guard: &PasswordGuard,
    email: &str,
    pass: &str,
) -> AppResult<Session> {
    let wrong = || AppError::Unauthenticated("wrong e-mail address or password".into());
    // Counted by the address given, so an unknown account is throttled like a known one.
    let attempt = guard.begin(db, Target::Account(email)).await?;
    let Some(user) = find_user_by_email(db, email).await? else {
        password::verify_nothing(pass);
        return Err(wrong());
    };
    if !password::verify(pass, &user.password_hash) {
        return Err(wrong());
    }
    attempt.succeeded(db).await?;
    let txn = crate::db::begin_write(db).await?;
    let session = start_session(&txn, tokens, user, Uuid::now_v7()).await?;
    txn.commit().await?;
    Ok(session)
}

async fn revoke_family<C: ConnectionTrait>(db: &C, family_id: Uuid) -> AppResult<()> {
    refresh_token::Entity::update_many()
        .col_expr(refresh_token::Column::RevokedAt, Expr::value(Some(Utc::now())))
        .filter(refresh_token::Column::FamilyId.eq(family_id))
        .filter(refresh_token::Column::RevokedAt.is_null())
        .exec(db)
        .await?;
    Ok(())
}

/// Exchanges a refresh token for a new pair. The old token stops working; presenting a token
/// that was already exchanged means it leaked, so the whole family is revoked.
pub async fn refresh<C: TransactionTrait>(db: &C, tokens: &TokenService, presented: &str) -> AppResult<Session> {
    let refused = |why: &str| AppError::Unauthenticated(format!("refresh token {why}; sign in again"));
    let txn = crate::db::begin_write(db).await?;
    let Some(row) = refresh_token::Entity::find()
        .filter(refresh_token::Column::TokenHash.eq(secret::digest(presented)))
        .one(&txn)
        .await?
    else {
        return Err(refused("unknown"));
    };
    if row.revoked_at.is_some() {
        return Err(refused("revoked"));
    }
    // Marking it used only if nobody else did closes the race between two refreshes.
    let claimed = refresh_token::Entity::update_many()
        .col_expr(refresh_token::Column::RotatedAt, Expr::value(Some(Utc::now())))
        .filter(refresh_token::Column::Id.eq(row.id))
        .filter(refresh_token::Column::RotatedAt.is_null())
        .exec(&txn)
        .await?;
    if claimed.rows_affected != 1 {
        revoke_family(&txn, row.family_id).await?;
        txn.commit().await?;
        tracing::warn!(family = %row.family_id, "refresh token reused: session family revoked");
        return Err(refused("was used before; every token of this sign-in is revoked"));
    }
    if row.expires_at < Utc::now() {
        txn.commit().await?;
        return Err(refused("expired"));
    }
    let user = user::Entity::find_by_id(row.user_id)
        .one(&txn)
        .await?
        .ok_or_else(|| refused("has no account"))?;
    let session = start_session(&txn, tokens, user, row.family_id).await?;
    txn.commit().await?;
    Ok(session)
}

/// Ends the sign-in the refresh token belongs to. Unknown tokens are ignored: logging out twice is fine.
pub async fn logout<C: ConnectionTrait>(db: &C, presented: &str) -> AppResult<()> {
    let row = refresh_token::Entity::find()
        .filter(refresh_token::Column::TokenHash.eq(secret::digest(presented)))
        .one(db)
        .await?;
    if let Some(row) = row {
        revoke_family(db, row.family_id).await?;
    }
    Ok(())
}

/// Ends every sign-in of the user: every refresh token is revoked and the token generation moves
/// on, which ends the outstanding access tokens too (within REVOCATION_DELAY).
pub(super) async fn sign_out_everywhere<C: ConnectionTrait>(txn: &C, user_id: Uuid) -> AppResult<()> {
    super::revocation::end_access_tokens(txn, user_id).await?;
    refresh_token::Entity::update_many()
        .col_expr(refresh_token::Column::RevokedAt, Expr::value(Some(Utc::now())))
        .filter(refresh_token::Column::UserId.eq(user_id))
        .filter(refresh_token::Column::RevokedAt.is_null())
        .exec(txn)
        .await?;
    Ok(())
}

/// Changes the caller's password and signs it out everywhere: every refresh token is revoked and
/// the token generation moves on, which ends the outstanding access tokens too.
pub async fn change_password<C: TransactionTrait + ConnectionTrait>(
    db: &C,
    guard: &PasswordGuard,
    actor: &Principal,
    current: &str,
    new: &str,
) -> AppResult<()> {
    let user_id = own_user(actor)?;
    let user = find_user(db, user_id)
        .await?
        .ok_or_else(|| AppError::Unauthenticated("no such account".into()))?;
    let mut check = Checker::new();
    // A stolen access token must not become a way to guess the password behind it.
    let attempt = guard.begin(db, Target::Account(&user.email)).await?;
    if password::verify(current, &user.password_hash) {
        attempt.succeeded(db).await?;
    } else {
        check.fail("currentPassword", "is not your password");
    }
    if let Some(why) = password::weakness(new) {
        check.fail("newPassword", why);
    } else if current == new {
        check.fail("newPassword", "must differ from the current one");
    }
    check.finish()?;
    let txn = crate::db::begin_write(db).await?;
    user::Entity::update_many()
        .set(user::ActiveModel {
            password_hash: Set(password::hash(new)?),
            updated_at: Set(Utc::now()),
            ..Default::default()
        })
        .filter(user::Column::Id.eq(user_id))
        .exec(&txn)
        .await?;
    sign_out_everywhere(&txn, user_id).await?;
    let entry = Entry {
        entity_type: AuditEntityType::User,
        entity_id: user_id,
        action: AuditAction::ChangePassword,
        changed_fields: vec!["password"],
        country: None,
    };
    audit::record(&txn, actor, entry).await?;
    txn.commit().await?;
    Ok(())
}
