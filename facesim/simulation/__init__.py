"""A scenario on the day axis: forces, static fields and corner metrics day by day."""
