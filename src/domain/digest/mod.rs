//! The weekly digest (issue 16): its subscribers and their double opt-in, and the links every
//! digest mail carries.

pub mod subscription;
mod subscription_mail;
pub mod unsubscribe;
