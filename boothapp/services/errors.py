"""Errors a service raises for a user to read; nothing was changed when one is raised."""


class ServiceError(Exception):
    pass


class NotFoundError(ServiceError):
    pass


class ValidationError(ServiceError):
    pass
