//! The writes of cluster profiles: create, register in bulk, update, delete and the review steps.

use async_graphql::{Context, Object, SimpleObject, ID};

use super::{
    inputs::{
        into_profiles, CreateClusterInput, DeleteClusterInput, PublishClusterInput, RegisterClustersInput,
        RejectClusterInput, ReviewClusterInput, UpdateClusterInput,
    },
    Cluster, TYPE_NAME,
};
use crate::{
    domain::{
        cluster::{self as domain, Review},
        policy,
    },
    error::AppResult,
    graphql::{
        context::{caller, db},
        node, partner_organisation,
    },
};

/// The result of `registerClusters`.
#[derive(SimpleObject)]
pub struct RegisterClustersPayload {
    /// The new profiles, in the order sent.
    pub clusters: Vec<Cluster>,
}

/// The result of a review step.
#[derive(SimpleObject)]
pub struct ReviewClusterPayload {
    /// The profile with its new status.
    pub cluster: Cluster,
}

/// The result of `createCluster`.
#[derive(SimpleObject)]
pub struct CreateClusterPayload {
    /// The new profile.
    pub cluster: Cluster,
}

/// The result of `updateCluster`.
#[derive(SimpleObject)]
pub struct UpdateClusterPayload {
    /// The profile as changed, with its new `version`.
    pub cluster: Cluster,
}

/// The result of `deleteCluster`.
#[derive(SimpleObject)]
pub struct DeleteClusterPayload {
    /// The global ID of the profile that was deleted.
    pub deleted_cluster_id: ID,
}

#[derive(Default)]
pub struct ClusterMutation;

#[Object]
impl ClusterMutation {
    /// Registers a new cluster profile: administrators anywhere, partners in their countries.
    async fn create_cluster(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The mutation's input; its fields are described on `CreateClusterInput`.")]
        input: CreateClusterInput,
    ) -> AppResult<CreateClusterPayload> {
        let actor = policy::signed_in(caller(ctx))?;
        let model = domain::create(db(ctx), actor, input.into_profile()?).await?;
        Ok(CreateClusterPayload {
            cluster: Cluster(model),
        })
    }

    /// Registers many profiles in one go, all or nothing (a partner registering its country's
    /// clusters). Problems name their row: `clusters[3].country`.
    async fn register_clusters(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The mutation's input; its fields are described on `RegisterClustersInput`.")]
        input: RegisterClustersInput,
    ) -> AppResult<RegisterClustersPayload> {
        let actor = policy::signed_in(caller(ctx))?;
        let profiles = into_profiles(input.clusters)?;
        let models = domain::register_many(db(ctx), actor, profiles).await?;
        Ok(RegisterClustersPayload {
            clusters: models.into_iter().map(Cluster).collect(),
        })
    }

    /// DRAFT → NEEDS_REVIEW: asks the cluster's partner (or the secretariat) to publish the profile.
    async fn submit_cluster_for_review(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The mutation's input; its fields are described on `ReviewClusterInput`.")]
        input: ReviewClusterInput,
    ) -> AppResult<ReviewClusterPayload> {
        let actor = policy::signed_in(caller(ctx))?;
        let id = node::decode("id", &input.id, TYPE_NAME)?;
        let model = domain::review(db(ctx), actor, id, input.version, Review::Submit).await?;
        Ok(ReviewClusterPayload {
            cluster: Cluster(model),
        })
    }

    /// NEEDS_REVIEW → PUBLISHED. The profile must have at least 15 members of at least two kinds
    /// and a website, unless `waiverReason` says why not (e.g. a national programme recognises it).
    async fn publish_cluster(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The mutation's input; its fields are described on `PublishClusterInput`.")]
        input: PublishClusterInput,
    ) -> AppResult<ReviewClusterPayload> {
        let actor = policy::signed_in(caller(ctx))?;
        let id = node::decode("id", &input.id, TYPE_NAME)?;
        let step = Review::Publish {
            waiver: input.waiver_reason,
        };
        let model = domain::review(db(ctx), actor, id, input.version, step).await?;
        Ok(ReviewClusterPayload {
            cluster: Cluster(model),
        })
    }

    /// NEEDS_REVIEW → DRAFT, with the reason the cluster's managers will read in `reviewNote`.
    async fn reject_cluster(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The mutation's input; its fields are described on `RejectClusterInput`.")]
        input: RejectClusterInput,
    ) -> AppResult<ReviewClusterPayload> {
        let actor = policy::signed_in(caller(ctx))?;
        let id = node::decode("id", &input.id, TYPE_NAME)?;
        let step = Review::Reject { reason: input.reason };
        let model = domain::review(db(ctx), actor, id, input.version, step).await?;
        Ok(ReviewClusterPayload {
            cluster: Cluster(model),
        })
    }

    /// Changes a profile, provided nobody else changed it since you read `version`.
    async fn update_cluster(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The mutation's input; its fields are described on `UpdateClusterInput`.")]
        input: UpdateClusterInput,
    ) -> AppResult<UpdateClusterPayload> {
        let actor = policy::signed_in(caller(ctx))?;
        let id = node::decode("id", &input.id, TYPE_NAME)?;
        let represented_by = node::decode_patch(
            "representedById",
            &input.represented_by_id,
            partner_organisation::TYPE_NAME,
        )?;
        let model = domain::update(db(ctx), actor, id, input.version, |p| input.apply(p, represented_by)).await?;
        Ok(UpdateClusterPayload {
            cluster: Cluster(model),
        })
    }

    /// Deletes a profile with its members and memberships.
    async fn delete_cluster(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The mutation's input; its fields are described on `DeleteClusterInput`.")]
        input: DeleteClusterInput,
    ) -> AppResult<DeleteClusterPayload> {
        let actor = policy::signed_in(caller(ctx))?;
        let id = node::decode("id", &input.id, TYPE_NAME)?;
        domain::delete(db(ctx), actor, id).await?;
        Ok(DeleteClusterPayload {
            deleted_cluster_id: input.id,
        })
    }
}
