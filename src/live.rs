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

/// One change ready to send, already encoded as a `text/event-stream` frame:
/// serialised once, the same bytes go to every subscriber.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LiveMessage {
    /// The change's cursor, sent as the frame's `id:`.
    pub seq: i64,
    pub frame: Bytes,
}

impl LiveMessage {
    /// Encodes event `name` carrying `data` (HTML, an id or JSON), one
    /// `data:` line per line of it. A line ends at CR, LF or CRLF, as an
    /// event-stream parser reads it: a bare CR left inside a `data:` line
    /// (text stored before fields were checked) would start a line of its
    /// own there and could inject fields into the stream.
    pub fn new(seq: i64, name: &str, data: &str) -> LiveMessage {
        let mut frame = format!("id: {seq}\nevent: {name}\n");
        let data = data.replace("\r\n", "\n").replace('\r', "\n");
        for line in data.lines() {
            frame.push_str("data: ");
            frame.push_str(line);
            frame.push('\n');
        }
        frame.push('\n');
        LiveMessage {
            seq,
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
        for seq in 0..(BUFFER as i64 * 2) {
            hub.send(1, LiveMessage::new(seq, "update", "<p>x</p>"));
            assert_eq!(keeping_up.try_recv().unwrap().seq, seq);
        }
        // The slow one finds out it fell behind; the stream then ends it.
        assert!(matches!(
            slow.try_recv(),
            Err(broadcast::error::TryRecvError::Lagged(_))
        ));
        drop((slow, keeping_up));
        hub.send(1, LiveMessage::new(999, "delete", "7"));
        assert_eq!(hub.subscribers(1), 0);
        assert!(
            hub.channels.lock().unwrap().is_empty(),
            "the story's channel is freed"
        );
    }

    #[test]
    fn multi_line_data_becomes_one_data_line_each() {
        let message = LiveMessage::new(12, "update", "<p>a</p>\n<p>b</p>");
        assert_eq!(
            message.frame,
            "id: 12\nevent: update\ndata: <p>a</p>\ndata: <p>b</p>\n\n"
        );
    }

    #[test]
    fn a_bare_carriage_return_cannot_inject_a_stream_field() {
        let message = LiveMessage::new(3, "update", "<p>HRI\revent: story</p>\r\n");
        assert_eq!(
            message.frame,
            "id: 3\nevent: update\ndata: <p>HRI\ndata: event: story</p>\n\n"
        );
    }
}
