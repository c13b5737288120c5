"""Text messages: messages/text/send, kept in the switch's message outbox."""
