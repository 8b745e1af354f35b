//! Relay global object identification: opaque IDs that name the type and the row.

use async_graphql::{Context, Interface, MaybeUndefined, Object, ID};
use base64::{engine::general_purpose::URL_SAFE_NO_PAD, Engine};
use uuid::Uuid;

use super::{
    cluster::Cluster,
    context::loaders,
    loaders as l,
    matchmaking::{event::MatchmakingEvent, meeting::Meeting, participant::EventParticipant},
    member::Member,
    partner_organisation::PartnerOrganisation,
    partnership::Partnership,
    success_story::SuccessStory,
};
use crate::error::{AppError, AppResult};

/// Most IDs that one `nodes` call resolves.
pub const MAX_NODES: usize = 100;

pub fn encode(type_name: &str, id: Uuid) -> ID {
    ID(URL_SAFE_NO_PAD.encode(format!("{type_name}:{id}")))
}

/// Reads any global ID into its type name and row id.
pub fn decode_any(field: &str, id: &ID) -> AppResult<(String, Uuid)> {
    URL_SAFE_NO_PAD
        .decode(id.as_str())
        .ok()
        .and_then(|bytes| String::from_utf8(bytes).ok())
        .and_then(|s| {
            let (type_name, uuid) = s.split_once(':')?;
            Some((type_name.to_owned(), Uuid::parse_str(uuid).ok()?))
        })
        .ok_or_else(|| AppError::bad_field(field, "not a valid ID"))
}

/// Reads a global ID that must name an object of `type_name`.
pub fn decode(field: &str, id: &ID, type_name: &str) -> AppResult<Uuid> {
    let (actual, uuid) = decode_any(field, id)?;
    if actual != type_name {
        return Err(AppError::bad_field(
            field,
            format!("expected the ID of a {type_name}, got one of a {actual}"),
        ));
    }
    Ok(uuid)
}

/// Reads an optional ID of an update: left out stays left out, null stays null.
pub fn decode_patch(field: &str, id: &MaybeUndefined<ID>, type_name: &str) -> AppResult<MaybeUndefined<Uuid>> {
    Ok(match id {
        MaybeUndefined::Value(id) => MaybeUndefined::Value(decode(field, id, type_name)?),
        MaybeUndefined::Null => MaybeUndefined::Null,
        MaybeUndefined::Undefined => MaybeUndefined::Undefined,
    })
}

pub fn decode_all(field: &str, ids: &[ID], type_name: &str) -> AppResult<Vec<Uuid>> {
    ids.iter().map(|id| decode(field, id, type_name)).collect()
}

/// An object with a global ID.
// Values live for one response only; boxing the large variant would buy nothing.
#[allow(clippy::large_enum_variant)]
#[derive(Interface)]
#[graphql(field(name = "id", ty = "ID", desc = "Opaque global identifier."))]
pub enum Node {
    Cluster(Cluster),
    Member(Member),
    Partnership(Partnership),
    SuccessStory(SuccessStory),
    PartnerOrganisation(PartnerOrganisation),
    MatchmakingEvent(MatchmakingEvent),
    EventParticipant(EventParticipant),
    Meeting(Meeting),
}

#[derive(Default)]
pub struct NodeQuery;

#[Object]
impl NodeQuery {
    /// Fetches any object by its global ID; null when it does not exist or is not visible to you.
    async fn node(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "A global ID, as any object's `id` field gives it.")] id: ID,
    ) -> AppResult<Option<Node>> {
        let (type_name, uuid) = decode_any("id", &id)?;
        resolve(ctx, &type_name, uuid).await
    }

    /// Fetches up to 100 objects by their global IDs, in the order asked; null for each that does
    /// not exist or is not visible to you.
    async fn nodes(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Global IDs, at most 100.")] ids: Vec<ID>,
    ) -> AppResult<Vec<Option<Node>>> {
        if ids.len() > MAX_NODES {
            return Err(AppError::bad_field("ids", format!("at most {MAX_NODES} IDs")));
        }
        let decoded = ids
            .iter()
            .map(|id| decode_any("ids", id))
            .collect::<AppResult<Vec<_>>>()?;
        // All lookups go to the DataLoaders together, so each type costs one query.
        futures_util::future::try_join_all(
            decoded
                .into_iter()
                .map(|(t, id)| async move { resolve(ctx, &t, id).await }),
        )
        .await
    }
}

async fn resolve(ctx: &Context<'_>, type_name: &str, id: Uuid) -> AppResult<Option<Node>> {
    let loaders = loaders(ctx);
    Ok(match type_name {
        "Cluster" => loaders
            .load_one(l::ClusterById(id))
            .await?
            .map(|m| Node::Cluster(Cluster(m))),
        "Member" => loaders
            .load_one(l::MemberById(id))
            .await?
            .map(|m| Node::Member(Member(m))),
        "Partnership" => loaders
            .load_one(l::PartnershipById(id))
            .await?
            .map(|m| Node::Partnership(Partnership(m))),
        "SuccessStory" => loaders
            .load_one(l::SuccessStoryById(id))
            .await?
            .map(|m| Node::SuccessStory(SuccessStory(m))),
        "PartnerOrganisation" => loaders
            .load_one(l::PartnerOrganisationById(id))
            .await?
            .map(|m| Node::PartnerOrganisation(PartnerOrganisation(m))),
        "MatchmakingEvent" => loaders
            .load_one(l::MatchmakingEventById(id))
            .await?
            .map(|m| Node::MatchmakingEvent(MatchmakingEvent(m))),
        "EventParticipant" => loaders
            .load_one(l::EventParticipantById(id))
            .await?
            .map(|m| Node::EventParticipant(EventParticipant(m))),
        "Meeting" => loaders
            .load_one(l::MeetingById(id))
            .await?
            .map(|m| Node::Meeting(Meeting(m))),
        _ => None,
    })
}
