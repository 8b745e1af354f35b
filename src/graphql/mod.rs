//! The GraphQL schema: one module per domain area, merged here.

pub mod account;
pub mod cluster;
pub mod connection;
pub mod context;
pub mod enums;
pub mod loaders;
pub mod member;
pub mod node;
pub mod partner_organisation;
pub mod partnership;
pub mod scalars;
pub mod success_story;

use async_graphql::{dataloader::DataLoader, EmptySubscription, MergedObject, Schema};
use sea_orm::DatabaseConnection;

use crate::{
    auth::{Caller, TokenService},
    domain::policy::Visibility,
};

/// Deepest selection a query may have; the deepest useful query (clusters → partnerships →
/// members → cluster → members) is well inside it.
pub const MAX_DEPTH: usize = 12;

#[derive(MergedObject, Default)]
pub struct Query(
    node::NodeQuery,
    account::AccountQuery,
    cluster::ClusterQuery,
    partnership::PartnershipQuery,
    success_story::SuccessStoryQuery,
    partner_organisation::PartnerOrganisationQuery,
);

#[derive(MergedObject, Default)]
pub struct Mutation(
    account::AccountMutation,
    cluster::ClusterMutation,
    member::MemberMutation,
    partnership::PartnershipMutation,
    success_story::SuccessStoryMutation,
);

pub type ClusterSchema = Schema<Query, Mutation, EmptySubscription>;

pub fn build_schema(db: DatabaseConnection, tokens: TokenService) -> ClusterSchema {
    Schema::build(Query::default(), Mutation::default(), EmptySubscription)
        .data(db)
        .data(tokens)
        .limit_depth(MAX_DEPTH)
        .finish()
}

/// The schema in SDL, as committed in `schema.graphql`.
pub fn sdl() -> String {
    Schema::build(Query::default(), Mutation::default(), EmptySubscription)
        .finish()
        .sdl()
}

/// Per-request data: who asks and the DataLoaders that see what they may see.
pub fn request_data(
    request: async_graphql::Request,
    db: &DatabaseConnection,
    caller: Caller,
) -> async_graphql::Request {
    let loaders = loaders::Loaders::new(db.clone(), Visibility::of(&caller));
    request.data(caller).data(DataLoader::new(loaders, tokio::spawn))
}
