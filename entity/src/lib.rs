//! sea-orm entities of clusterbridge. Tables and their relations only: business rules live in the
//! service's `domain` module and GraphQL types in its `graphql` module, so renaming a column never
//! renames an API field by accident.

pub mod agenda_link;
pub mod api_key;
pub mod api_key_country;
pub mod audit_log;
pub mod cluster;
pub mod cluster_ecosystem;
pub mod cluster_emerging_industry;
pub mod cluster_search;
pub mod cluster_target_country;
pub mod cluster_technology;
pub mod cluster_translation;
pub mod digest_issue;
pub mod digest_subscriber;
pub mod digest_subscriber_topic;
pub mod event_organiser;
pub mod event_participant;
pub mod expression_of_interest;
pub mod idempotency_key;
pub mod invitation;
pub mod matchmaking_event;
pub mod matchmaking_event_country;
pub mod matchmaking_session;
pub mod meeting;
pub mod meeting_outcome;
pub mod member;
pub mod outbox_mail;
pub mod participant_available_slot;
pub mod participant_offered_ecosystem;
pub mod participant_sought_ecosystem;
pub mod participant_user;
pub mod partner_organisation;
pub mod partner_organisation_country;
pub mod partner_search;
pub mod partner_search_country;
pub mod partner_search_ecosystem;
pub mod partnership;
pub mod partnership_ecosystem;
pub mod partnership_member;
pub mod partnership_target_market;
pub mod password_attempt;
pub mod persisted_document;
pub mod post;
pub mod post_country;
pub mod post_ecosystem;
pub mod post_translation;
pub mod rate_limit_bucket;
pub mod record_change;
pub mod refresh_token;
pub mod search_term;
pub mod success_story;
pub mod success_story_cluster;
pub mod success_story_translation;
pub mod taxonomy;
pub mod user;
pub mod user_grant;
pub mod webhook_delivery;
pub mod webhook_endpoint;
pub mod webhook_endpoint_event_type;

pub mod prelude {
    pub use super::cluster::Entity as Cluster;
    pub use super::cluster_ecosystem::Entity as ClusterEcosystem;
    pub use super::cluster_emerging_industry::Entity as ClusterEmergingIndustry;
    pub use super::cluster_technology::Entity as ClusterTechnology;
    pub use super::member::Entity as Member;
    pub use super::partner_organisation::Entity as PartnerOrganisation;
    pub use super::partner_organisation_country::Entity as PartnerOrganisationCountry;
    pub use super::partnership::Entity as Partnership;
    pub use super::partnership_ecosystem::Entity as PartnershipEcosystem;
    pub use super::partnership_member::Entity as PartnershipMember;
    pub use super::partnership_target_market::Entity as PartnershipTargetMarket;
    pub use super::success_story::Entity as SuccessStory;
    pub use super::success_story_cluster::Entity as SuccessStoryCluster;
}
