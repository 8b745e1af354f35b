//! Revocation of outstanding access tokens. An access token is self-contained, so without a
//! check it would outlive a sign-out, a password change, a role taken away or its API key's
//! revocation until it expires (15 minutes). Each request checks the token's stamp against the
//! database: the user's token generation, whether its sign-in was ended, whether its key still
//! works. The answers are cached per process for `delay` (REVOCATION_DELAY, 5 s by default), so a
//! busy caller costs a query every few seconds, and a revocation reaches every replica within it.

use std::{
    collections::HashMap,
    sync::Mutex,
    time::{Duration, Instant},
};

use chrono::Utc;
use entity::{api_key, refresh_token, user};
use sea_orm::{
    sea_query::{Expr, ExprTrait},
    ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter,
};
use uuid::Uuid;

use crate::{
    auth::{Actor, Principal, Stamp},
    error::{AppError, AppResult},
};

/// Cached answers beyond this many are dropped, so the cache cannot grow without bound.
const CACHE_CAPACITY: usize = 10_000;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Check {
    /// The user's generation is still at most the token's.
    Generation(Uuid, i64),
    /// The sign-in (refresh-token family) has not been ended.
    Session(Uuid),
    /// The API key a token was exchanged from still works.
    Key(Uuid),
}

/// Per-process cache of revocation checks; one per server.
pub struct Revocations {
    delay: Duration,
    cache: Mutex<HashMap<Check, (Instant, bool)>>,
}

impl Revocations {
    pub fn new(delay: Duration) -> Self {
        Self {
            delay,
            cache: Mutex::new(HashMap::new()),
        }
    }

    /// UNAUTHENTICATED when the token behind `principal` has been revoked. Tokens of operators and
    /// of a partner's identity provider have nothing here to be revoked by.
    pub async fn check<C: ConnectionTrait>(&self, db: &C, principal: &Principal, stamp: Stamp) -> AppResult<()> {
        let checks = match principal.actor {
            Actor::User(id) => [
                Some(Check::Generation(id, stamp.generation)),
                stamp.session.map(Check::Session),
            ],
            Actor::ApiKey(id) => [Some(Check::Key(id)), None],
            Actor::External | Actor::Operator => return Ok(()),
        };
        for check in checks.into_iter().flatten() {
            if !self.holds(db, check).await? {
                return Err(AppError::Unauthenticated(
                    "the access token has been revoked; sign in again".into(),
                ));
            }
        }
        Ok(())
    }

    async fn holds<C: ConnectionTrait>(&self, db: &C, check: Check) -> AppResult<bool> {
        if let Some(answer) = self.cached(check) {
            return Ok(answer);
        }
        let answer = match check {
            Check::Generation(id, generation) => user::Entity::find_by_id(id)
                .one(db)
                .await?
                .is_some_and(|u| u.token_generation <= generation),
            Check::Session(family) => {
                refresh_token::Entity::find()
                    .filter(refresh_token::Column::FamilyId.eq(family))
                    .filter(refresh_token::Column::RevokedAt.is_not_null())
                    .count(db)
                    .await?
                    == 0
            }
            Check::Key(id) => api_key::Entity::find_by_id(id)
                .one(db)
                .await?
                .is_some_and(|k| k.revoked_at.is_none() && k.expires_at.is_none_or(|e| e > Utc::now())),
        };
        self.remember(check, answer);
        Ok(answer)
    }

    fn cached(&self, check: Check) -> Option<bool> {
        if self.delay.is_zero() {
            return None;
        }
        let cache = self.cache.lock().ok()?;
        cache
            .get(&check)
            .filter(|(at, _)| at.elapsed() < self.delay)
            .map(|(_, answer)| *answer)
    }

    fn remember(&self, check: Check, answer: bool) {
        if self.delay.is_zero() {
            return;
        }
        // A poisoned lock only costs the cache; the check itself has been made.
        let Ok(mut cache) = self.cache.lock() else { return };
        if cache.len() >= CACHE_CAPACITY {
            cache.retain(|_, (at, _)| at.elapsed() < self.delay);
            if cache.len() >= CACHE_CAPACITY {
                cache.clear();
            }
        }
        cache.insert(check, (Instant::now(), answer));
    }
}

/// Moves the user's token generation on, so every access token issued before it stops working
/// (within the delay); a refresh issues one with the user's rights as they now are.
pub(crate) async fn end_access_tokens<C: ConnectionTrait>(db: &C, user_id: Uuid) -> AppResult<()> {
    user::Entity::update_many()
        .col_expr(
            user::Column::TokenGeneration,
            Expr::col(user::Column::TokenGeneration).add(1),
        )
        .filter(user::Column::Id.eq(user_id))
        .exec(db)
        .await?;
    Ok(())
}
