//! Accounts: registration, sessions with rotating refresh tokens, roles and invitations.
//!
//! Sessions are in `session`, roles and invitations in `grants`, the revocation of outstanding
//! access tokens in `revocation`, the mailed links that verify an address in `verification` and
//! reset a password in `password_reset`; this file registers and reads users.

mod grants;
mod password_reset;
mod revocation;
mod session;
mod verification;

use std::time::Duration;

use chrono::Utc;
use entity::{partner_organisation_country, user, user_grant};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, TransactionSession, TransactionTrait,
};
use uuid::Uuid;

use self::grants::insert_grant;
pub use self::{
    grants::{accept_invitation, grant, invite, revoke, visible_invitations, Grant},
    password_reset::{request_password_reset, reset_password, RESET_LINK_TTL},
    revocation::Revocations,
    session::{change_password, login, logout, refresh},
    verification::{request_email_verification, verify_email, VERIFICATION_LINK_TTL},
};
use super::{
    locale::{LanguageTag, LANGUAGE_HINT},
    validation::{Checker, NAME_MAX},
};
use crate::{
    auth::{password, Actor, Links, Principal, Role},
    error::{AppError, AppResult},
    mail::account_mail::MailLanguage,
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

/// What a new account is made of, as given.
pub struct NewAccount<'a> {
    pub email: &'a str,
    pub display_name: &'a str,
    pub password: &'a str,
    /// BCP 47 tag of the language the account's mails are written in.
    pub language: Option<&'a str>,
}

/// The language of mails to `user`.
fn mail_language(user: &user::Model) -> MailLanguage {
    MailLanguage::of(user.language.as_deref())
}

/// A self-registered account with the USER role. Its address is unverified until the link of
/// the verification mail queued here is opened.
pub async fn register<C: TransactionTrait>(db: &C, links: &Links, new: NewAccount<'_>) -> AppResult<user::Model> {
    let txn = crate::db::begin_write(db).await?;
    let user = insert_user(&txn, new, None).await?;
    verification::queue(&txn, links, &user).await?;
    txn.commit().await?;
    Ok(user)
}

/// Checks `new` and stores it, verified at `verified_at`.
async fn insert_user<C: ConnectionTrait>(
    txn: &C,
    new: NewAccount<'_>,
    verified_at: Option<chrono::DateTime<Utc>>,
) -> AppResult<user::Model> {
    let mut check = Checker::new();
    let email = normalise_email(&mut check, "email", new.email);
    let mut display_name = new.display_name.to_owned();
    check.name("displayName", &mut display_name, NAME_MAX);
    if let Some(why) = password::weakness(new.password) {
        check.fail("password", why);
    }
    let language = match new.language.map(|raw| (raw, LanguageTag::parse(raw))) {
        None => None,
        Some((_, Some(tag))) => Some(tag.as_str().to_owned()),
        Some((_, None)) => {
            check.fail("language", LANGUAGE_HINT);
            None
        }
    };
    check.finish()?;
    if user::Entity::find()
        .filter(user::Column::Email.eq(&email))
        .one(txn)
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
        password_hash: Set(password::hash(new.password)?),
        created_at: Set(now),
        updated_at: Set(now),
        token_generation: Set(0),
        email_verified_at: Set(verified_at),
        language: Set(language),
    };
    Ok(user::Entity::insert(row).exec_with_returning(txn).await?)
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
        email_verified: user.email_verified_at.is_some(),
    })
}

fn own_user(actor: &Principal) -> AppResult<Uuid> {
    match actor.actor {
        Actor::User(id) => Ok(id),
        _ => Err(AppError::Forbidden("only a signed-in person has a password".into())),
    }
}

/// An account with grants, for the demo data; no policy applies to the server itself. The
/// platform vouches for these addresses, so they count as verified and no mail is sent.
pub async fn create_with_grants<C: TransactionTrait + ConnectionTrait>(
    db: &C,
    new: NewAccount<'_>,
    grants: &[Grant],
) -> AppResult<user::Model> {
    let txn = crate::db::begin_write(db).await?;
    let user = insert_user(&txn, new, Some(Utc::now())).await?;
    for &grant in grants {
        insert_grant(&txn, user.id, grant, None).await?;
    }
    txn.commit().await?;
    Ok(user)
}

/// The accounts of `ids` the actor may see: its own, and any for those who look accounts up
/// (`userByEmail`) (`node`).
pub async fn visible_users<C: ConnectionTrait>(db: &C, actor: &Principal, ids: &[Uuid]) -> AppResult<Vec<user::Model>> {
    let everyone = super::policy::may_look_up_accounts(actor).is_ok();
    let own = super::policy::user_of(actor);
    let ids: Vec<Uuid> = ids.iter().copied().filter(|id| everyone || own == Some(*id)).collect();
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    Ok(user::Entity::find().filter(user::Column::Id.is_in(ids)).all(db).await?)
}
