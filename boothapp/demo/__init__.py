"""A demo event anyone can try: generated roster, staff, leads and a badge video as camera."""
