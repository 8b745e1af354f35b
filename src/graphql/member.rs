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

#[derive(Clone)]
pub struct Member(pub row::Model);

#[Object]
/// An organisation inside a cluster.
impl Member {
    /// Opaque global identifier; use it with `node(id:)`.
    pub async fn id(&self) -> ID {
        node::encode(TYPE_NAME, self.0.id)
    }
    /// The organisation's name.
    async fn name(&self) -> &str {
        &self.0.name
    }
    /// What sort of organisation it is.
    async fn kind(&self) -> MemberKind {
        self.0.kind.into()
    }
    /// ISO 3166-1 alpha-2 country code.
    async fn country(&self) -> &str {
        &self.0.country
    }
    /// Website, an http(s) URL.
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
    /// When the member was added.
    async fn created_at(&self) -> DateTime<Utc> {
        self.0.created_at
    }
    /// When the member last changed.
    async fn updated_at(&self) -> DateTime<Utc> {
        self.0.updated_at
    }
}

/// An organisation to add to a cluster you may edit.
#[derive(InputObject)]
pub struct CreateMemberInput {
    /// The cluster's global ID.
    pub cluster_id: ID,
    /// The organisation's name; trimmed, not empty.
    pub name: String,
    /// What sort of organisation it is.
    pub kind: MemberKind,
    /// ISO 3166-1 alpha-2 code.
    pub country: String,
    /// Website: an http(s) URL.
    pub website: Option<String>,
}

/// Changes to a member. Left-out fields stay; null clears an optional field.
#[derive(InputObject)]
pub struct UpdateMemberInput {
    /// The member's global ID.
    pub id: ID,
    /// The organisation's name; trimmed, not empty.
    pub name: Option<String>,
    /// What sort of organisation it is.
    pub kind: Option<MemberKind>,
    /// ISO 3166-1 alpha-2 country code.
    pub country: Option<String>,
    /// Website: an http(s) URL.
    pub website: MaybeUndefined<String>,
}

/// The member to remove.
#[derive(InputObject)]
pub struct DeleteMemberInput {
    /// The member's global ID.
    pub id: ID,
}

/// The result of `createMember`.
#[derive(SimpleObject)]
pub struct CreateMemberPayload {
    /// The new member.
    pub member: Member,
}

/// The result of `updateMember`.
#[derive(SimpleObject)]
pub struct UpdateMemberPayload {
    /// The member as changed.
    pub member: Member,
}

/// The result of `deleteMember`.
#[derive(SimpleObject)]
pub struct DeleteMemberPayload {
    /// The global ID of the member that was removed.
    pub deleted_member_id: ID,
}

#[derive(Default)]
pub struct MemberMutation;

#[Object]
impl MemberMutation {
    /// Adds an organisation to a cluster.
    async fn create_member(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The mutation's input; its fields are described on `CreateMemberInput`.")]
        input: CreateMemberInput,
    ) -> AppResult<CreateMemberPayload> {
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

    /// Changes an organisation of a cluster you may edit.
    async fn update_member(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The mutation's input; its fields are described on `UpdateMemberInput`.")]
        input: UpdateMemberInput,
    ) -> AppResult<UpdateMemberPayload> {
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

    /// Removes an organisation from a cluster you may edit.
    async fn delete_member(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The mutation's input; its fields are described on `DeleteMemberInput`.")]
        input: DeleteMemberInput,
    ) -> AppResult<DeleteMemberPayload> {
        let actor = policy::signed_in(caller(ctx))?;
        let id = node::decode("id", &input.id, TYPE_NAME)?;
        domain::delete(db(ctx), actor, id).await?;
        Ok(DeleteMemberPayload {
            deleted_member_id: input.id,
        })
    }
}
