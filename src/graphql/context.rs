//! What every resolver reads from the request: the database, the caller and the DataLoaders.

use std::hash::Hash;

use async_graphql::{
    dataloader::{DataLoader, Loader},
    Context,
};
use sea_orm::DatabaseConnection;

use super::loaders::{ListKind, Loaders};
use crate::{
    auth::{Caller, TokenService},
    domain::{policy::Visibility, throttle::PasswordGuard},
    error::AppResult,
};

pub fn db<'a>(ctx: &Context<'a>) -> &'a DatabaseConnection {
    ctx.data_unchecked::<DatabaseConnection>()
}

pub fn partner_index<'a>(ctx: &Context<'a>) -> &'a crate::domain::recommendation::PartnerIndex {
    ctx.data_unchecked::<crate::domain::recommendation::PartnerIndex>()
}

pub fn tokens<'a>(ctx: &Context<'a>) -> &'a TokenService {
    ctx.data_unchecked::<TokenService>()
}

/// The guessing throttle's limits and the client address; the default where no endpoint put one.
pub fn password_guard(ctx: &Context<'_>) -> PasswordGuard {
    ctx.data_opt::<PasswordGuard>().cloned().unwrap_or_default()
}

/// The signer and public address of the links in mails.
pub fn links<'a>(ctx: &Context<'a>) -> &'a crate::auth::Links {
    ctx.data_unchecked::<crate::auth::Links>()
}

pub fn caller<'a>(ctx: &Context<'a>) -> &'a Caller {
    ctx.data_unchecked::<Caller>()
}

pub fn visibility(ctx: &Context<'_>) -> Visibility {
    Visibility::of(caller(ctx))
}

pub fn loaders<'a>(ctx: &Context<'a>) -> &'a DataLoader<Loaders> {
    ctx.data_unchecked::<DataLoader<Loaders>>()
}

/// A record a root field asks for by id (`node`, `cluster` …), read at once through its loader's
/// query: at the root nothing else would join the batch, so the batch machinery would only add
/// its bookkeeping. Nested fields use `load_one`, where batching is what saves statements.
pub async fn look_up<K, V>(ctx: &Context<'_>, key: K) -> AppResult<Option<V>>
where
    K: Send + Sync + Hash + Eq + Clone + 'static,
    V: Send + Sync + Clone + 'static,
    Loaders: Loader<K, Value = V, Error = crate::error::AppError>,
{
    let mut found = loaders(ctx).loader().load(std::slice::from_ref(&key)).await?;
    Ok(found.remove(&key))
}

/// A record's list through its DataLoader; empty when the record has none.
pub async fn list<K: ListKind>(ctx: &Context<'_>, key: K) -> AppResult<Vec<K::Item>> {
    Ok(loaders(ctx).load_one(key).await?.unwrap_or_default())
}

/// What the caller sees of matchmaking events, participants and meetings.
pub fn matchmaking_visibility(ctx: &Context<'_>) -> crate::domain::policy::MatchmakingVisibility {
    crate::domain::policy::MatchmakingVisibility::of(caller(ctx))
}
