//! The hub behind Server-Sent Events: one broadcast channel per story with
//! open pages. A message is rendered once and shared by every subscriber.
//!
//! A subscriber that falls more than [`BUFFER`] messages behind is dropped by
//! the stream (it reconnects with `Last-Event-ID` and is replayed from the
//! database): a slow reader never holds up the editor or other readers.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use tokio::sync::broadcast;

/// Messages kept for a slow subscriber before it is dropped.
pub const BUFFER: usize = 64;

/// What happened to a live update.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LiveEvent {
    Published(i64),
    Edited(i64),
    Deleted(i64),
}

impl LiveEvent {
    pub fn update_id(self) -> i64 {
        let (LiveEvent::Published(id) | LiveEvent::Edited(id) | LiveEvent::Deleted(id)) = self;
        id
    }

    /// The SSE event name.
    pub fn name(self) -> &'static str {
        match self {
            LiveEvent::Published(_) => "update",
            LiveEvent::Edited(_) => "edit",
            LiveEvent::Deleted(_) => "delete",
        }
    }
}

/// One event ready to send: the update's rendered HTML (empty for a delete).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LiveMessage {
    pub event: LiveEvent,
    pub html: String,
}

#[derive(Debug, Default)]
pub struct LiveHub {
    channels: Mutex<HashMap<i64, broadcast::Sender<Arc<LiveMessage>>>>,
}

impl LiveHub {
    /// Subscribes to a story's messages from now on.
    pub fn subscribe(&self, story_id: i64) -> broadcast::Receiver<Arc<LiveMessage>> {
        let mut channels = self.channels.lock().expect("live hub lock");
        channels
            .entry(story_id)
            .or_insert_with(|| broadcast::channel(BUFFER).0)
            .subscribe()
    }

    /// Sends to every open page of the story; never waits for any of them.
    pub fn send(&self, story_id: i64, message: LiveMessage) {
        let mut channels = self.channels.lock().expect("live hub lock");
        if let Some(sender) = channels.get(&story_id) {
            if sender.send(Arc::new(message)).is_err() {
                // Nobody is listening any more: free the channel.
                channels.remove(&story_id);
            }
        }
    }

    /// Pages currently subscribed to a story.
    pub fn subscribers(&self, story_id: i64) -> usize {
        let channels = self.channels.lock().expect("live hub lock");
        channels
            .get(&story_id)
            .map_or(0, broadcast::Sender::receiver_count)
    }
}
