//! HTTP: each page area's handlers with their view models beside them.

pub mod admin;
pub mod assets;
mod extract;
pub mod feeds;
pub mod health;
pub mod live;
pub mod lookup;
pub mod media;
pub mod reader;
mod respond;
