package dev.layercache.spring.internal;

import org.aopalliance.aop.Advice;
import org.aopalliance.intercept.MethodInterceptor;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.cache.interceptor.BeanFactoryCacheOperationSourceAdvisor;
import org.springframework.core.PriorityOrdered;

/**
 * Puts a {@link CacheCallScope} around the advice of Spring's caching advisor as the advisor is
 * created. Priority-ordered, so it is in place before the auto-proxy creator looks for advisors.
 */
public final class CacheAdvisorScoping implements BeanPostProcessor, PriorityOrdered {
  @Override
  public Object postProcessAfterInitialization(Object bean, String beanName) {
    if (bean instanceof BeanFactoryCacheOperationSourceAdvisor) {
      BeanFactoryCacheOperationSourceAdvisor advisor =
          (BeanFactoryCacheOperationSourceAdvisor) bean;
      Advice advice = advisor.getAdvice();
      if (advice instanceof MethodInterceptor && !(advice instanceof CacheCallScope)) {
        advisor.setAdvice(new CacheCallScope((MethodInterceptor) advice));
      }
    }
    return bean;
  }

  /**
   * Whether an advisor's advice is scoped.
   *
   * @param advisor Spring's caching advisor
   * @return true if its advice is a {@link CacheCallScope}
   */
  public static boolean isScoped(BeanFactoryCacheOperationSourceAdvisor advisor) {
    return advisor.getAdvice() instanceof CacheCallScope;
  }

  @Override
  public int getOrder() {
    return HIGHEST_PRECEDENCE;
  }
}
