# Route 53 and ACM. The hosted zone for var.root_domain already exists (it is
# shared by environments). One certificate, DNS-validated, covers the public
# name (CloudFront) and origin.<app_domain> (the ALB); us-east-1 serves both.

data "aws_route53_zone" "main" {
  name         = var.root_domain
  private_zone = false
}

resource "aws_acm_certificate" "main" {
  domain_name               = local.app_domain
  subject_alternative_names = [local.origin_domain]
  validation_method         = "DNS"
  key_algorithm             = "RSA_2048"

  options {
    certificate_transparency_logging_preference = "ENABLED"
  }

  lifecycle {
    create_before_destroy = true
  }
}

# Keyed by the (known) domain names rather than by the validation options
# themselves, so for_each never depends on a value computed by the provider.
resource "aws_route53_record" "certificate_validation" {
  for_each = toset([local.app_domain, local.origin_domain])

  zone_id         = data.aws_route53_zone.main.zone_id
  name            = one([for dvo in aws_acm_certificate.main.domain_validation_options : dvo.resource_record_name if dvo.domain_name == each.key])
  type            = one([for dvo in aws_acm_certificate.main.domain_validation_options : dvo.resource_record_type if dvo.domain_name == each.key])
  records         = [one([for dvo in aws_acm_certificate.main.domain_validation_options : dvo.resource_record_value if dvo.domain_name == each.key])]
  ttl             = 300
  allow_overwrite = true
}

resource "aws_acm_certificate_validation" "main" {
  certificate_arn         = aws_acm_certificate.main.arn
  validation_record_fqdns = [for record in aws_route53_record.certificate_validation : record.fqdn]
}

resource "aws_route53_record" "app" {
  for_each = toset(["A", "AAAA"])

  zone_id = data.aws_route53_zone.main.zone_id
  name    = local.app_domain
  type    = each.key

  alias {
    name                   = aws_cloudfront_distribution.main.domain_name
    zone_id                = aws_cloudfront_distribution.main.hosted_zone_id
    evaluate_target_health = false
  }
}

# Origin name for CloudFront -> ALB, the name the ALB certificate covers. The
# ALB is internal: the record resolves to private addresses, and CloudFront
# reaches them through its VPC origin (cdn.tf), not by this name.
resource "aws_route53_record" "origin" {
  zone_id = data.aws_route53_zone.main.zone_id
  name    = local.origin_domain
  type    = "A"

  alias {
    name                   = aws_lb.api.dns_name
    zone_id                = aws_lb.api.zone_id
    evaluate_target_health = true
  }
}
