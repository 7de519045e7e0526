"""The trade body's job line, rebuilt: members' job and work-study offers, candidates' profiles and
applications, matching by function, distance and availability, work-study cohorts and placements, and the
moderation rules — the pure rules; the store keeps the rows and the web application serves the pages."""
