"""Frame sources, barcode decoders, badge payload parsers and the attendee roster."""
