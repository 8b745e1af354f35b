//! Members of a cluster in GraphQL.

use async_graphql::{Context, InputObject, MaybeUndefined, Object, SimpleObject, ID};
use chrono::{DateTime, Utc};
use entity::member as row;

use super::{
    cluster::{patch, Cluster, TYPE_NAME as CLUSTER},
    context::{caller, db, loaders},
    enums::MemberKind,
    loaders as l, node,
};
use crate::{
    domain::{
        member::{self as domain, MemberProfile},
        policy,
    },
    error::AppResult,
};

pub const TYPE_NAME: &str = "Member";

/// An organisation inside a cluster.
#[derive(Clone)]
pub struct Member(pub row::Model);

#[Object]
impl Member {
    pub async fn id(&self) -> ID {
        node::encode(TYPE_NAME, self.0.id)
    }
    async fn name(&self) -> &str {
        &self.0.name
    }
    async fn kind(&self) -> MemberKind {
        self.0.kind.into()
    }
    /// ISO 3166-1 alpha-2 country code.
    async fn country(&self) -> &str {
        &self.0.country
    }
    async fn website(&self) -> Option<&str> {
        self.0.website.as_deref()
    }
    /// The cluster this organisation belongs to.
    async fn cluster(&self, ctx: &Context<'_>) -> AppResult<Option<Cluster>> {
        Ok(loaders(ctx)
            .load_one(l::ClusterById(self.0.cluster_id))
            .await?
            .map(Cluster))
    }
    async fn created_at(&self) -> DateTime<Utc> {
        self.0.created_at
    }
    async fn updated_at(&self) -> DateTime<Utc> {
        self.0.updated_at
    }
}

#[derive(InputObject)]
pub struct CreateMemberInput {
    pub cluster_id: ID,
    pub name: String,
    pub kind: MemberKind,
    /// ISO 3166-1 alpha-2 code.
    pub country: String,
    pub website: Option<String>,
}

#[derive(InputObject)]
pub struct UpdateMemberInput {
    pub id: ID,
    pub name: Option<String>,
    pub kind: Option<MemberKind>,
    pub country: Option<String>,
    pub website: MaybeUndefined<String>,
}

#[derive(InputObject)]
pub struct DeleteMemberInput {
    pub id: ID,
}

#[derive(SimpleObject)]
pub struct CreateMemberPayload {
    pub member: Member,
}

#[derive(SimpleObject)]
pub struct UpdateMemberPayload {
    pub member: Member,
}

#[derive(SimpleObject)]
pub struct DeleteMemberPayload {
    pub deleted_member_id: ID,
}

#[derive(Default)]
pub struct MemberMutation;

#[Object]
impl MemberMutation {
    /// Adds an organisation to a cluster.
    async fn create_member(&self, ctx: &Context<'_>, input: CreateMemberInput) -> AppResult<CreateMemberPayload> {
        let actor = policy::signed_in(caller(ctx))?;
        let cluster_id = node::decode("clusterId", &input.cluster_id, CLUSTER)?;
        let profile = MemberProfile {
            name: input.name,
            kind: input.kind.into(),
            country: input.country,
            website: input.website,
        };
        let model = domain::create(db(ctx), actor, cluster_id, profile).await?;
        Ok(CreateMemberPayload { member: Member(model) })
    }

    async fn update_member(&self, ctx: &Context<'_>, input: UpdateMemberInput) -> AppResult<UpdateMemberPayload> {
        let actor = policy::signed_in(caller(ctx))?;
        let id = node::decode("id", &input.id, TYPE_NAME)?;
        let model = domain::update(db(ctx), actor, id, |p| {
            if let Some(name) = input.name {
                p.name = name;
            }
            if let Some(kind) = input.kind {
                p.kind = kind.into();
            }
            if let Some(country) = input.country {
                p.country = country;
            }
            patch(&mut p.website, input.website);
        })
        .await?;
        Ok(UpdateMemberPayload { member: Member(model) })
    }

    async fn delete_member(&self, ctx: &Context<'_>, input: DeleteMemberInput) -> AppResult<DeleteMemberPayload> {
        let actor = policy::signed_in(caller(ctx))?;
        let id = node::decode("id", &input.id, TYPE_NAME)?;
        domain::delete(db(ctx), actor, id).await?;
        Ok(DeleteMemberPayload {
            deleted_member_id: input.id,
        })
    }
}
