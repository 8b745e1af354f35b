//! Accounts: registration, sessions with rotating refresh tokens, roles and invitations.
//!
//! Sessions are in `session`, roles and invitations in `grants`, the revocation of outstanding
//! access tokens in `revocation`; this file registers and reads users.

mod grants;
mod revocation;
mod session;

use std::time::Duration;

use chrono::Utc;
use entity::{partner_organisation_country, user, user_grant};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, TransactionSession, TransactionTrait,
};
use uuid::Uuid;

use self::grants::insert_grant;
pub use self::{
    grants::{accept_invitation, grant, invite, revoke, Grant},
    revocation::Revocations,
    session::{change_password, login, logout, refresh},
};
use super::validation::{Checker, NAME_MAX};
use crate::{
    auth::{password, Actor, Principal, Role},
    error::{AppError, AppResult},
};

pub const REFRESH_TTL: Duration = Duration::from_secs(30 * 86_400);
pub const INVITATION_TTL: Duration = Duration::from_secs(7 * 86_400);

/// What a successful sign-in hands out.
pub struct Session {
    pub access_token: String,
    pub refresh_token: String,
    pub expires_in: u64,
    pub user: user::Model,
}

fn normalise_email(check: &mut Checker, field: &str, email: &str) -> String {
    let mut value = Some(email.trim().to_lowercase());
    check.optional_email(field, &mut value);
    match value {
        Some(v) => v,
        None => {
            check.fail(field, "must not be empty");
            String::new()
        }
    }
}

fn expiry(ttl: Duration) -> chrono::DateTime<Utc> {
    Utc::now() + chrono::Duration::from_std(ttl).unwrap_or(chrono::Duration::days(1))
}

pub async fn register<C: TransactionTrait>(
    db: &C,
    email: &str,
    display_name: &str,
    new_password: &str,
) -> AppResult<user::Model> {
    let mut check = Checker::new();
    let email = normalise_email(&mut check, "email", email);
    let mut display_name = display_name.to_owned();
    check.name("displayName", &mut display_name, NAME_MAX);
    if let Some(why) = password::weakness(new_password) {
        check.fail("password", why);
    }
    check.finish()?;
    let txn = crate::db::begin_write(db).await?;
    if user::Entity::find()
        .filter(user::Column::Email.eq(&email))
        .one(&txn)
        .await?
        .is_some()
    {
        return Err(AppError::Conflict(
            "email: an account with this e-mail address exists".into(),
        ));
    }
    let now = Utc::now();
    let row = user::ActiveModel {
        id: Set(Uuid::now_v7()),
        email: Set(email),
        display_name: Set(display_name),
        password_hash: Set(password::hash(new_password)?),
        created_at: Set(now),
        updated_at: Set(now),
        token_generation: Set(0),
    };
    let model = user::Entity::insert(row).exec_with_returning(&txn).await?;
    txn.commit().await?;
    Ok(model)
}

pub async fn find_user<C: ConnectionTrait>(db: &C, id: Uuid) -> AppResult<Option<user::Model>> {
    Ok(user::Entity::find_by_id(id).one(db).await?)
}

pub async fn find_user_by_email<C: ConnectionTrait>(db: &C, email: &str) -> AppResult<Option<user::Model>> {
    Ok(user::Entity::find()
        .filter(user::Column::Email.eq(email.trim().to_lowercase()))
        .one(db)
        .await?)
}

/// The grants of a user, folded into one principal: the highest role and the union of scopes.
pub async fn principal_of<C: ConnectionTrait>(db: &C, user: &user::Model) -> AppResult<Principal> {
    let grants = user_grant::Entity::find()
        .filter(user_grant::Column::UserId.eq(user.id))
        .all(db)
        .await?;
    let role = grants.iter().map(|g| Role::from(g.role)).max().unwrap_or(Role::User);
    let partner_organisations: Vec<Uuid> = grants.iter().filter_map(|g| g.partner_organisation_id).collect();
    let mut countries: Vec<String> = partner_organisation_country::Entity::find()
        .filter(partner_organisation_country::Column::PartnerOrganisationId.is_in(partner_organisations.clone()))
        .all(db)
        .await?
        .into_iter()
        .map(|c| c.country)
        .collect();
    countries.sort();
    countries.dedup();
    let clusters = grants.iter().filter_map(|g| g.cluster_id).collect();
    Ok(Principal {
        subject: user.id.to_string(),
        actor: Actor::User(user.id),
        role,
        countries,
        clusters,
        partner_organisations,
    })
}

fn own_user(actor: &Principal) -> AppResult<Uuid> {
    match actor.actor {
        Actor::User(id) => Ok(id),
        _ => Err(AppError::Forbidden("only a signed-in person has a password".into())),
    }
}

/// An account with grants, for the demo data; no policy applies to the server itself.
pub async fn create_with_grants<C: TransactionTrait + ConnectionTrait>(
    db: &C,
    email: &str,
    display_name: &str,
    pass: &str,
    grants: &[Grant],
) -> AppResult<user::Model> {
    let user = register(db, email, display_name, pass).await?;
    for &grant in grants {
        insert_grant(db, user.id, grant, None).await?;
    }
    Ok(user)
}
