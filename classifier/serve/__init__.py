"""What the app runs to answer: preprocessing, LiteRT inference, explanations, the domain check, numbers, adaptation."""
