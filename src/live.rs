//! The hub behind Server-Sent Events: one broadcast channel per story with
//! open pages. A message is rendered once and shared by every subscriber.
//!
//! A subscriber that falls more than [`BUFFER`] messages behind is dropped by
//! the stream (it reconnects with `Last-Event-ID` and is replayed from the
//! database): a slow reader never holds up the editor or other readers.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use actix_web::web::Bytes;
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

    /// The event recorded under `name` (see [`LiveEvent::name`]) for an update.
    pub fn from_name(name: &str, update_id: i64) -> Option<LiveEvent> {
        match name {
            "update" => Some(LiveEvent::Published(update_id)),
            "edit" => Some(LiveEvent::Edited(update_id)),
            "delete" => Some(LiveEvent::Deleted(update_id)),
            _ => None,
        }
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

/// A committed change open pages are told about, with its place in the
/// story's order of changes (`db::live_changes`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LiveChange {
    pub seq: i64,
    pub event: LiveEvent,
}

/// One event ready to send, already encoded as a `text/event-stream` frame:
/// serialised once, the same bytes go to every subscriber.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LiveMessage {
    pub seq: i64,
    pub event: LiveEvent,
    pub frame: Bytes,
}

impl LiveMessage {
    /// Encodes a change whose data is the update's HTML (its id, for a delete).
    pub fn new(change: LiveChange, html: &str) -> LiveMessage {
        let LiveChange { seq, event } = change;
        let id = event.update_id();
        let mut frame = format!("id: {id}\nevent: {}\n", event.name());
        let data = if html.is_empty() {
            id.to_string()
        } else {
            html.to_owned()
        };
        for line in data.lines() {
            frame.push_str("data: ");
            frame.push_str(line);
            frame.push('\n');
        }
        frame.push('\n');
        LiveMessage {
            seq,
            event,
            frame: Bytes::from(frame),
        }
    }
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
        if let Some(sender) = channels.get(&story_id)
            && sender.send(Arc::new(message)).is_err()
        {
            // Nobody is listening any more: free the channel.
            channels.remove(&story_id);
        }
    }

    /// Ends every open stream (at shutdown): dropping the senders closes the
    /// channels, and each stream ends when it sees that.
    pub fn close_all(&self) {
        self.channels.lock().expect("live hub lock").clear();
    }

    /// Pages currently subscribed to a story.
    pub fn subscribers(&self, story_id: i64) -> usize {
        let channels = self.channels.lock().expect("live hub lock");
        channels
            .get(&story_id)
            .map_or(0, broadcast::Sender::receiver_count)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_slow_reader_never_holds_up_the_sender_and_a_gone_one_is_freed() {
        let hub = LiveHub::default();
        let mut slow = hub.subscribe(1);
        let mut keeping_up = hub.subscribe(1);
        for id in 0..(BUFFER as i64 * 2) {
            hub.send(
                1,
                LiveMessage::new(
                    LiveChange {
                        seq: id,
                        event: LiveEvent::Published(id),
                    },
                    "<p>x</p>",
                ),
            );
            assert_eq!(
                keeping_up.try_recv().unwrap().event,
                LiveEvent::Published(id)
            );
        }
        // The slow one finds out it fell behind; the stream then ends it.
        assert!(matches!(
            slow.try_recv(),
            Err(broadcast::error::TryRecvError::Lagged(_))
        ));
        drop((slow, keeping_up));
        hub.send(
            1,
            LiveMessage::new(
                LiveChange {
                    seq: 999,
                    event: LiveEvent::Published(999),
                },
                "",
            ),
        );
        assert_eq!(hub.subscribers(1), 0);
        assert!(
            hub.channels.lock().unwrap().is_empty(),
            "the story's channel is freed"
        );
    }

    #[test]
    fn multi_line_html_becomes_one_data_line_each() {
        let message = LiveMessage::new(
            LiveChange {
                seq: 1,
                event: LiveEvent::Published(7),
            },
            "<p>a</p>\n<p>b</p>",
        );
        assert_eq!(
            message.frame,
            "id: 7\nevent: update\ndata: <p>a</p>\ndata: <p>b</p>\n\n"
        );
        let deleted = LiveMessage::new(
            LiveChange {
                seq: 2,
                event: LiveEvent::Deleted(7),
            },
            "",
        );
        assert_eq!(deleted.frame, "id: 7\nevent: delete\ndata: 7\n\n");
    }
}
