"""Reading printed text: business cards and text-only badges (issue 20).

``types`` holds the one interface (``TextReader``) every OCR engine implements; ``engines``
picks one; ``card_locate`` finds and flattens the card in a still; ``card_fields`` turns the
lines into a Contact with a confidence per field; ``card_reader`` runs the three in order.
"""
