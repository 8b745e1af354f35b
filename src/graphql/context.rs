//! What every resolver reads from the request: the database, the caller and the DataLoaders.

use async_graphql::{dataloader::DataLoader, Context};
use sea_orm::DatabaseConnection;

use super::loaders::Loaders;
use crate::{auth::Caller, domain::policy::Visibility};

pub fn db<'a>(ctx: &Context<'a>) -> &'a DatabaseConnection {
    ctx.data_unchecked::<DatabaseConnection>()
}

pub fn partner_index<'a>(ctx: &Context<'a>) -> &'a crate::domain::recommendation::PartnerIndex {
    ctx.data_unchecked::<crate::domain::recommendation::PartnerIndex>()
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
