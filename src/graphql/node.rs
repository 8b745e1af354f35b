//! Relay global object identification: opaque IDs that name the type and the row.

use std::hash::Hash;

use async_graphql::{dataloader::Loader, Context, Interface, MaybeUndefined, Object, ID};
use base64::{engine::general_purpose::URL_SAFE_NO_PAD, Engine};
use uuid::Uuid;

use super::{
    account::{ApiKey, AuditEntry, Invitation, User, API_KEY, AUDIT_ENTRY, INVITATION, TYPE_NAME as USER},
    cluster::Cluster,
    context::{loaders, look_up},
    digest::{DigestSubscriber, TYPE_NAME as DIGEST_SUBSCRIBER},
    guarded_loaders as g,
    loaders::{self as l, Loaders},
    mail::{OutboxMail, TYPE_NAME as OUTBOX_MAIL},
    matchmaking::{event::MatchmakingEvent, meeting::Meeting, participant::EventParticipant},
    member::Member,
    partner_organisation::PartnerOrganisation,
    partner_search::{ExpressionOfInterest, PartnerSearch, EXPRESSION_OF_INTEREST, TYPE_NAME as PARTNER_SEARCH},
    partnership::Partnership,
    post::Post,
    success_story::SuccessStory,
    webhook::{WebhookDelivery, WebhookEndpoint, DELIVERY as WEBHOOK_DELIVERY, ENDPOINT as WEBHOOK_ENDPOINT},
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

/// An object with a global ID, fetched with `node(id:)` or `nodes(ids:)`.
// Every type whose `id` is a global ID is one; [`resolve`] reads each through a loader that
// applies the rule of the type's own queries. Values live for one response only; boxing the large variant would buy nothing.
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
    Post(Post),
    User(User),
    ApiKey(ApiKey),
    Invitation(Invitation),
    AuditEntry(AuditEntry),
    PartnerSearch(PartnerSearch),
    ExpressionOfInterest(ExpressionOfInterest),
    OutboxMail(OutboxMail),
    DigestSubscriber(DigestSubscriber),
    WebhookEndpoint(WebhookEndpoint),
    WebhookDelivery(WebhookDelivery),
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
        resolve(ctx, &type_name, uuid, Read::Alone).await
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
                .map(|(t, id)| async move { resolve(ctx, &t, id, Read::Batched).await }),
        )
        .await
    }
}

/// How [`resolve`] reads a record: at once, for `node`, or batched with the other ids of `nodes`.
#[derive(Clone, Copy)]
enum Read {
    Alone,
    Batched,
}

async fn one<K, V>(ctx: &Context<'_>, key: K, read: Read) -> AppResult<Option<V>>
where
    K: Send + Sync + Hash + Eq + Clone + 'static,
    V: Send + Sync + Clone + 'static,
    Loaders: Loader<K, Value = V, Error = AppError>,
{
    match read {
        Read::Alone => look_up(ctx, key).await,
        Read::Batched => loaders(ctx).load_one(key).await,
    }
}

async fn resolve(ctx: &Context<'_>, type_name: &str, id: Uuid, read: Read) -> AppResult<Option<Node>> {
    Ok(match type_name {
        "Cluster" => one(ctx, l::ClusterById(id), read)
            .await?
            .map(|m| Node::Cluster(Cluster(m))),
        "Member" => one(ctx, l::MemberById(id), read)
            .await?
            .map(|m| Node::Member(Member(m))),
        "Partnership" => one(ctx, l::PartnershipById(id), read)
            .await?
            .map(|m| Node::Partnership(Partnership(m))),
        "SuccessStory" => one(ctx, l::SuccessStoryById(id), read)
            .await?
            .map(|m| Node::SuccessStory(SuccessStory(m))),
        "PartnerOrganisation" => one(ctx, l::PartnerOrganisationById(id), read)
            .await?
            .map(|m| Node::PartnerOrganisation(PartnerOrganisation(m))),
        "MatchmakingEvent" => one(ctx, l::MatchmakingEventById(id), read)
            .await?
            .map(|m| Node::MatchmakingEvent(MatchmakingEvent(m))),
        "EventParticipant" => one(ctx, l::EventParticipantById(id), read)
            .await?
            .map(|m| Node::EventParticipant(EventParticipant(m))),
        "Meeting" => one(ctx, l::MeetingById(id), read)
            .await?
            .map(|m| Node::Meeting(Meeting(m))),
        "Post" => one(ctx, l::PostById(id), read).await?.map(|m| Node::Post(Post::new(m))),
        USER => one(ctx, g::UserById(id), read).await?.map(|m| Node::User(User(m))),
        API_KEY => one(ctx, g::ApiKeyById(id), read)
            .await?
            .map(|m| Node::ApiKey(ApiKey(m))),
        INVITATION => one(ctx, g::InvitationById(id), read)
            .await?
            .map(|m| Node::Invitation(Invitation(m))),
        AUDIT_ENTRY => one(ctx, g::AuditEntryById(id), read)
            .await?
            .map(|m| Node::AuditEntry(AuditEntry(m))),
        PARTNER_SEARCH => one(ctx, g::PartnerSearchById(id), read)
            .await?
            .map(|m| Node::PartnerSearch(PartnerSearch(m))),
        EXPRESSION_OF_INTEREST => one(ctx, g::ExpressionOfInterestById(id), read)
            .await?
            .map(|m| Node::ExpressionOfInterest(ExpressionOfInterest(m))),
        OUTBOX_MAIL => one(ctx, g::OutboxMailById(id), read)
            .await?
            .map(|m| Node::OutboxMail(OutboxMail(m))),
        DIGEST_SUBSCRIBER => one(ctx, g::DigestSubscriberById(id), read)
            .await?
            .map(|m| Node::DigestSubscriber(DigestSubscriber(m))),
        WEBHOOK_ENDPOINT => one(ctx, g::WebhookEndpointById(id), read)
            .await?
            .map(Node::WebhookEndpoint),
        WEBHOOK_DELIVERY => one(ctx, g::WebhookDeliveryById(id), read)
            .await?
            .map(|m| Node::WebhookDelivery(WebhookDelivery(m))),
        _ => None,
    })
}
