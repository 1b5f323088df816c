"""The screenshot reader: what a person's screenshot says, and whether it fits their case.

``read_screenshot(data, filename)`` → :class:`Reading`; ``check(reading, expectation)`` →
warnings. See docs/screenshots.md.
"""
